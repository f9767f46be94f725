// Package integration holds dance's tests that need the PostgreSQL,
// MySQL or Redis drivers, in a module of their own so that the root
// module (what an app that uses dance depends on) does not require
// those drivers. Its packages have tests only:
//
//   - this one: the dance tests on Redis and PostgreSQL (session
//     fixation with a Redis session store, the refresh lock across
//     instances, the Redis record of used states, Redis going away);
//   - gormstore: storage/gormstore's suites (internal/gormtest) on
//     PostgreSQL and MariaDB, the fault tests and the load test.
//
// The tests read DANCE_TEST_POSTGRES_DSN, DANCE_TEST_MYSQL_DSN and
// DANCE_TEST_REDIS_ADDR, and skip when they are unset.
package integration
