package apps

// ContainerEnv is the environment a container of image b starts with, as
// a container runtime builds it: the image's PATH first, HOSTNAME, the
// image's own variables, then the pod's (which replace same-named ones),
// and HOME=/root when nothing set it. Both runtimes use it, so a process
// sees the same `env` on the simulation and on Docker. The pod's variables
// come in the runtime's own type, which has EnvVar's shape.
func ContainerEnv[E ~struct{ Name, Value string }](b Behaviour, hostname string, podEnv []E) []EnvVar {
	pathVar := b.Userland.Path
	var rest []EnvVar
	for _, e := range b.Env {
		if e.Name == "PATH" {
			pathVar = e.Value
			continue
		}
		rest = append(rest, e)
	}
	env := []EnvVar{{Name: "PATH", Value: pathVar}, {Name: "HOSTNAME", Value: hostname}}
	env = append(env, rest...)
	for _, pe := range podEnv {
		e := EnvVar(pe)
		replaced := false
		for i := range env {
			if env[i].Name == e.Name {
				env[i].Value, replaced = e.Value, true
			}
		}
		if !replaced {
			env = append(env, e)
		}
	}
	for _, e := range env {
		if e.Name == "HOME" {
			return env
		}
	}
	return append(env, EnvVar{Name: "HOME", Value: "/root"})
}
