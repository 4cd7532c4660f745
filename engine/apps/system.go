package apps

// The cluster's own components run as pods in kube-system, as on a kubeadm
// cluster. kubetour's engine does their work itself; their containers only
// stand for them, running and answering nothing, so `kubectl get pods -A`
// and the isolation view look as on a real cluster.

func init() {
	for name, programs := range map[string][]string{
		"registry.k8s.io/etcd":                    {"etcd"},
		"registry.k8s.io/kube-apiserver":          {"kube-apiserver"},
		"registry.k8s.io/kube-controller-manager": {"kube-controller-manager"},
		"registry.k8s.io/kube-scheduler":          {"kube-scheduler"},
		"registry.k8s.io/kube-proxy":              {"kube-proxy", "/usr/local/bin/kube-proxy"},
		"registry.k8s.io/coredns/coredns":         {"/coredns", "coredns"},
		"registry.k8s.io/pause":                   {"/pause", "pause"},
	} {
		families[name] = systemFamily(programs)
	}
}

func systemFamily(programs []string) family {
	return func(tag string) (Behaviour, bool) {
		return Behaviour{
			Kind: KindServer, App: "system", Entrypoint: []string{programs[0]}, Version: tag,
			Env:      []EnvVar{{"PATH", defaultPath}},
			Userland: busybox(), Programs: programs,
			Size: 40 * mib, MemoryBase: 20 * mib,
		}, true
	}
}
