package redisstore_test

import (
	"context"
	"log"
	"os"

	"github.com/wabsp/wabsp/policy"
	"github.com/wabsp/wabsp/policy/redisstore"
)

func ExampleOpen() {
	ctx := context.Background()
	store, err := redisstore.Open(ctx, os.Getenv("REDIS_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	tracker, err := policy.NewTracker(policy.WithStore(store))
	if err != nil {
		log.Fatal(err)
	}
	// Every instance built this way shares windows, counts and tiers, and
	// store, as a wabsp.Deduplicator, deduplicates webhook deliveries
	// across them.
	_ = tracker
}
