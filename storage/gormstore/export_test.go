package gormstore

// CacheKeyOf is the key under which s caches the token of (name, uid),
// for the test that keeps gormtest's copy of the key's format in step.
var CacheKeyOf = (*Store).cacheKey

// PlainCacheKeyOf is the key of the plaintext token of (name, uid).
var PlainCacheKeyOf = (*Store).plainCacheKey
