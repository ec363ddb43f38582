package redisstore

// UseClaimScript makes s claim batches as it does on Redis before 7.0, which
// rejects SET with both NX and GET, so that the tests cover that path on a
// newer server.
func UseClaimScript(s *Store) { s.noSetNXGet.Store(true) }
