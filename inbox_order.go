package wabsp

import "sync"

// inboxOrder keeps one customer's deliveries in the order the queue handed
// them to this Inbox, while deliveries of other customers run in parallel.
// Each delivery takes a turn in read order (decoding runs in parallel;
// only the taking of turns is sequential) and then waits for the previous
// delivery of the same customer, if it is still running. It costs a lock
// and a channel per delivery. It cannot order across processes, nor a
// retried delivery against later ones.
type inboxOrder struct {
	mu   sync.Mutex
	cond *sync.Cond
	next uint64                   // the sequence number whose turn it is
	last map[string]chan struct{} // per key, closed when its latest delivery ends
}

func newInboxOrder() *inboxOrder {
	o := &inboxOrder{last: make(map[string]chan struct{})}
	o.cond = sync.NewCond(&o.mu)
	return o
}

// enter takes turn seq for key ("" for none) once every earlier turn was
// taken, and returns what to wait for before processing (the previous
// delivery of key) and the function that ends this delivery. Every
// sequence number handed out must enter, or later ones wait forever.
func (o *inboxOrder) enter(seq uint64, key string) (wait <-chan struct{}, leave func()) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for o.next != seq {
		o.cond.Wait()
	}
	o.next++
	o.cond.Broadcast()
	if key == "" {
		return nil, func() {}
	}
	prev := o.last[key]
	mine := make(chan struct{})
	o.last[key] = mine
	return prev, func() {
		close(mine)
		o.mu.Lock()
		if o.last[key] == mine {
			delete(o.last, key)
		}
		o.mu.Unlock()
	}
}

// orderKey names the customer of a delivery whose messages and statuses
// all concern one customer of one phone number, and is "" otherwise (a
// batch of statuses to many recipients, or a change without a customer):
// such deliveries are not ordered.
func orderKey(wh *Webhook) string {
	key := ""
	same := func(phone, customer string) bool {
		if customer == "" {
			return false
		}
		k := phone + "/" + customer
		if key == "" {
			key = k
		}
		return key == k
	}
	for i := range wh.Entries {
		for j := range wh.Entries[i].Changes {
			v := wh.Entries[i].Changes[j].Messages
			if v == nil {
				continue
			}
			for k := range v.Messages {
				if !same(v.Metadata.PhoneNumberID, v.Messages[k].From) {
					return ""
				}
			}
			for k := range v.Statuses {
				if !same(v.Metadata.PhoneNumberID, v.Statuses[k].RecipientID) {
					return ""
				}
			}
		}
	}
	return key
}
