package controller

import "sort"

// registered are the workload controllers, added by each controller's file
// in an init function, so a new controller needs no edit elsewhere.
var registered = map[string]func(Deps) Controller{}

// Register adds a controller constructor under a unique name.
func Register(name string, build func(Deps) Controller) {
	if _, dup := registered[name]; dup {
		panic("controller registered twice: " + name)
	}
	registered[name] = build
}

// Registered builds every registered controller, in name order so that a
// cluster's behaviour does not depend on map order.
func Registered(d Deps) []Controller {
	names := make([]string, 0, len(registered))
	for n := range registered {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]Controller, 0, len(names))
	for _, n := range names {
		out = append(out, registered[n](d))
	}
	return out
}
