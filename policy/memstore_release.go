package policy

import (
	"context"
	"time"
)

var _ ConversationReleaser = (*MemoryStore)(nil)

// ReleaseConversation implements ConversationReleaser.
func (s *MemoryStore) ReleaseConversation(_ context.Context, phoneNumberID, customerWAID string, start time.Time) error {
	at := ms(start)
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.phones[phoneNumberID]
	if p == nil || p.g == nil {
		return nil
	}
	// The count is the portfolio's, under the id the customer resolves to.
	customer := p.g.resolve(customerWAID)
	if got, ok := p.g.starts[customer]; ok && got == at {
		p.g.remove(customer, at)
	}
	return nil
}
