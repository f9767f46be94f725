// Package docs holds dance's user guide, in Markdown. It has no code of
// its own; its tests compile every Go block of the guide and of
// README.md, check every Go snippet that users read (there, in the
// examples and in doc comments) for API references with a leading slash,
// and go generate rebuilds the generated parts (the providers chapter and
// the snippets quoted from _example apps).
package docs

//go:generate go run ../internal/cmd/gendocs -root ..
