// Package docs holds dance's user guide, in Markdown: the chapters of
// Flask-Dance's documentation, written for Go and Gin. It has no code of
// its own; its test compiles every Go block of the guide and of
// README.md, and go generate rebuilds the generated parts (the providers
// chapter and the snippets quoted from _example apps).
package docs

//go:generate go run ../internal/cmd/gendocs -root ..
