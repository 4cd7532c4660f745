// Package archtest holds the test that keeps the dependency rules of
// DESIGN.md: the engine knows nothing of the UI or the lessons, the TUI
// reaches the engine only through its facade, and lessons read the cluster
// through their own interface.
package archtest
