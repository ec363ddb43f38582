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
	if p == nil {
		return nil
	}
	if got, ok := p.starts[customerWAID]; ok && got == at {
		p.remove(customerWAID, at)
	}
	return nil
}
