// Package webhookfixture builds large webhook deliveries from the recorded
// ones in testdata/webhooks, for the benchmarks of the root module and of
// the benchmarks/ module, so that both time the same bytes.
package webhookfixture

import (
	"encoding/json"
	"fmt"
)

// StatusDelivery builds a delivery of n statuses, as Meta batches them,
// from sent, a recorded delivery of one sent status: each status gets its
// own id and one of sent, delivered and read in turn. The delivery is in
// Meta's order, "value" before "field" (json.Marshal of a map would sort
// "field" first, the order a decoder finds easiest). About 374 KB for 1,000.
func StatusDelivery(sent []byte, n int) ([]byte, error) {
	var one struct {
		Object string `json:"object"`
		Entry  []struct {
			ID      string `json:"id"`
			Changes []struct {
				Value map[string]any `json:"value"`
			} `json:"changes"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(sent, &one); err != nil {
		return nil, err
	}
	if len(one.Entry) == 0 || len(one.Entry[0].Changes) == 0 {
		return nil, fmt.Errorf("webhookfixture: no change in the recorded delivery")
	}
	value := one.Entry[0].Changes[0].Value
	recorded, _ := value["statuses"].([]any)
	if len(recorded) == 0 {
		return nil, fmt.Errorf("webhookfixture: no status in the recorded delivery")
	}
	st, _ := recorded[0].(map[string]any)
	statuses := make([]any, n)
	for i := range statuses {
		cp := make(map[string]any, len(st))
		for k, v := range st {
			cp[k] = v
		}
		cp["id"] = fmt.Sprintf("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MTE5MjVBOTE3MDk5QUVFM%06d", i)
		cp["status"] = []string{"sent", "delivered", "read"}[i%3]
		statuses[i] = cp
	}
	value["statuses"] = statuses
	v, err := json.Marshal(value)
	if err != nil {
		return nil, err
	}
	return fmt.Appendf(nil, `{"object":%q,"entry":[{"id":%q,"changes":[{"value":%s,"field":"messages"}]}]}`,
		one.Object, one.Entry[0].ID, v), nil
}
