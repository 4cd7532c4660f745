// Package shell is the console's command-line logic without any UI: which
// words are kubectl, when a heredoc is still open, what kubectl's own
// completion answered, the persisted history, and stopping a running
// command. The tui package draws it; keeping it apart makes each rule a
// plain function with a table test.
package shell
