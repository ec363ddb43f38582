package wabsp

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"net/url"
)

// ListPhoneNumbersOptions narrows ListPhoneNumbers. The zero value asks for
// Client.PhoneNumberFields with Graph's default page size.
type ListPhoneNumbersOptions struct {
	// Fields are the number fields to read.
	Fields []string `url:"fields,comma,omitempty"`
	// Limit is the page size Graph is asked for.
	Limit int `url:"limit,omitempty"`
	// After is a cursor to start from, as found in a previous page's
	// paging.cursors.after.
	After string `url:"after,omitempty"`
}

// MaxPhoneNumbersPageSize bounds ListPhoneNumbersOptions.Limit.
const MaxPhoneNumbersPageSize = 1000

// graphPage is one page of a Graph list edge.
type graphPage[T any] struct {
	Data   []T          `json:"data"`
	Paging *graphPaging `json:"paging"`
}

type graphPaging struct {
	Cursors struct {
		Before string `json:"before"`
		After  string `json:"after"`
	} `json:"cursors"`
	Next string `json:"next"`
}

// nextCursor returns the cursor of the next page, or "" on the last page.
// Graph marks the last page by leaving out paging.next; the after cursor is
// read from cursors, or from next's query when only next is given.
func (p *graphPaging) nextCursor() string {
	if p == nil || p.Next == "" {
		return ""
	}
	if p.Cursors.After != "" {
		return p.Cursors.After
	}
	if u, err := url.Parse(p.Next); err == nil {
		return u.Query().Get("after")
	}
	return ""
}

// errPagingLoop stops a list whose server hands back the cursor it was just
// given, which would otherwise never end.
var errPagingLoop = errors.New("wabsp: Graph returned the same paging cursor twice")

// ListPhoneNumbers iterates over every phone number of a WhatsApp Business
// Account, fetching pages as the loop asks for them.
//
//	GET https://graph.facebook.com/{version}/{waba-id}/phone_numbers?fields=&limit=&after=
//
// An error (invalid options, a failed page) is yielded once, with a zero
// PhoneNumber, and ends the iteration. Breaking out of the loop stops before
// the next page is requested. Each range over the result starts again from
// the first page; opts is copied and not changed.
//
//	for n, err := range client.ListPhoneNumbers(ctx, wabaID, nil) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(n.DisplayPhoneNumber, n.QualityRating)
//	}
func (c *Client) ListPhoneNumbers(ctx context.Context, wabaID string, opts *ListPhoneNumbersOptions) iter.Seq2[PhoneNumber, error] {
	var base ListPhoneNumbersOptions
	if opts != nil {
		base = *opts
		base.Fields = append([]string(nil), opts.Fields...)
	}
	return func(yield func(PhoneNumber, error) bool) {
		// Each range over the sequence starts again from the first page.
		q := base
		var v validator
		v.numericID("waba_id", wabaID, ErrMissingWABAID)
		v.fieldNames("fields", q.Fields)
		if q.Limit < 0 || q.Limit > MaxPhoneNumbersPageSize {
			v.addf("limit", "must be between 1 and %d, got %d", MaxPhoneNumbersPageSize, q.Limit)
		}
		if err := v.err("ListPhoneNumbers"); err != nil {
			yield(PhoneNumber{}, err)
			return
		}
		if len(q.Fields) == 0 {
			q.Fields = c.PhoneNumberFields()
		}
		for {
			var page graphPage[PhoneNumber]
			err := c.do(ctx, &apiRequest{
				provider:   ProviderGraph,
				method:     http.MethodGet,
				path:       wabaID + "/phone_numbers",
				query:      q,
				needsToken: true,
			}, &page)
			if err != nil {
				yield(PhoneNumber{}, err)
				return
			}
			for _, n := range page.Data {
				if !yield(n, nil) {
					return
				}
			}
			next := page.Paging.nextCursor()
			if next == "" {
				return
			}
			if next == q.After {
				yield(PhoneNumber{}, errPagingLoop)
				return
			}
			q.After = next
		}
	}
}
