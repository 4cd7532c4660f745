//go:build !linux

package shell

import "syscall"

// Interrupt is not available off Linux: a running command then ends by
// itself (the runner's own limits) instead of on ctrl+c.
func Interrupt(marker string, sig syscall.Signal) int { return 0 }
