package engine

import (
	"fmt"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"kubetour/engine/apiserver"
	"kubetour/engine/kinds"
	"kubetour/engine/store"
)

// bootstrap creates what kubeadm leaves in a new cluster: namespaces, the
// nodes, the kubernetes and kube-dns Services, and the control plane and
// add-ons as pods in kube-system.
func (c *Cluster) bootstrap() error {
	create := func(plural string, obj runtime.Object) error {
		k := kinds.Core(plural)
		_, err := c.Store.Create(k, obj)
		return err
	}
	for _, ns := range []string{"default", "kube-system", "kube-public", "kube-node-lease"} {
		if err := create("namespaces", &corev1.Namespace{
			ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: map[string]string{"kubernetes.io/metadata.name": ns}},
			Spec:       corev1.NamespaceSpec{Finalizers: []corev1.FinalizerName{corev1.FinalizerKubernetes}},
			Status:     corev1.NamespaceStatus{Phase: corev1.NamespaceActive},
		}); err != nil {
			return err
		}
		c.acc.Sync(ns)
	}
	kernel, osImage := hostFacts()
	if c.cfg.Kernel != "" {
		kernel = c.cfg.Kernel
	}
	if c.cfg.OSImage != "" {
		osImage = c.cfg.OSImage
	}
	for _, n := range c.cfg.Nodes {
		node, err := c.Store.Create(kinds.Core("nodes"), c.nodeObject(n, kernel, osImage))
		if err != nil {
			return err
		}
		c.nodeBootEvents(node, n.Name)
		if err := create("leases", &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: n.Name, Namespace: "kube-node-lease"}}); err != nil {
			return err
		}
	}
	c.renewLeases()
	master := c.cfg.Nodes[0]
	if err := create("services", &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "kubernetes", Namespace: "default", Labels: map[string]string{"component": "apiserver", "provider": "kubernetes"}},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP, ClusterIP: c.cfg.serviceIP(1), ClusterIPs: []string{c.cfg.serviceIP(1)},
			Ports:           []corev1.ServicePort{{Name: "https", Port: 443, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromInt32(6443)}},
			SessionAffinity: corev1.ServiceAffinityNone, IPFamilies: []corev1.IPFamily{corev1.IPv4Protocol},
			IPFamilyPolicy: ptr(corev1.IPFamilyPolicySingleStack), InternalTrafficPolicy: ptr(corev1.ServiceInternalTrafficPolicyCluster)},
	}); err != nil {
		return err
	}
	if err := create("endpoints", &corev1.Endpoints{
		ObjectMeta: metav1.ObjectMeta{Name: "kubernetes", Namespace: "default", Labels: map[string]string{"endpointslice.kubernetes.io/skip-mirror": "true"}},
		Subsets: []corev1.EndpointSubset{{Addresses: []corev1.EndpointAddress{{IP: master.IP}},
			Ports: []corev1.EndpointPort{{Name: "https", Port: 6443, Protocol: corev1.ProtocolTCP}}}},
	}); err != nil {
		return err
	}
	if _, err := c.API.Create(c.ctx(), kinds.Core("services"), "kube-system", &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "kube-dns", Namespace: "kube-system",
			Labels:      map[string]string{"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"},
			Annotations: map[string]string{"prometheus.io/port": "9153", "prometheus.io/scrape": "true"}},
		Spec: corev1.ServiceSpec{ClusterIP: c.cfg.serviceIP(10), Selector: map[string]string{"k8s-app": "kube-dns"},
			Ports: []corev1.ServicePort{
				{Name: "dns", Port: 53, Protocol: corev1.ProtocolUDP, TargetPort: intstr.FromInt32(53)},
				{Name: "dns-tcp", Port: 53, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromInt32(53)},
				{Name: "metrics", Port: 9153, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromInt32(9153)}}},
	}, apiserver.WriteOptions{}); err != nil {
		return fmt.Errorf("kube-dns service: %w", err)
	}
	if c.cfg.NoSystemPods {
		return nil
	}
	return c.systemPods()
}

func ptr[T any](v T) *T { return &v }

func (c *Cluster) nodeObject(n NodeSpec, kernel, osImage string) *corev1.Node {
	labels := map[string]string{
		"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
		"kubernetes.io/arch": "amd64", "kubernetes.io/hostname": n.Name, "kubernetes.io/os": "linux",
	}
	var taints []corev1.Taint
	if n.ControlPlane {
		labels["node-role.kubernetes.io/control-plane"] = ""
		labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
		taints = append(taints, corev1.Taint{Key: "node-role.kubernetes.io/control-plane", Effect: corev1.TaintEffectNoSchedule})
	}
	mem := resource.MustParse(n.Memory)
	allocMem := mem.DeepCopy()
	allocMem.Sub(resource.MustParse("100Mi")) // the kubelet's default hard-eviction reserve
	now := metav1.NewTime(c.Clock.Now())
	cond := func(t corev1.NodeConditionType, s corev1.ConditionStatus, reason, msg string) corev1.NodeCondition {
		return corev1.NodeCondition{Type: t, Status: s, Reason: reason, Message: msg, LastHeartbeatTime: now, LastTransitionTime: now}
	}
	runtimeVersion := "containerd://2.1.4"
	if c.cfg.Runtime.Name() == "docker" {
		runtimeVersion = dockerVersion(c.cfg.Runtime)
		if !strings.HasPrefix(runtimeVersion, "docker://") {
			runtimeVersion = "docker://" + runtimeVersion
		}
	}
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: n.Name, Labels: labels, Annotations: map[string]string{
			"node.alpha.kubernetes.io/ttl": "0", "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
		Spec: corev1.NodeSpec{PodCIDR: n.PodCIDR, PodCIDRs: []string{n.PodCIDR}, Taints: taints},
		Status: corev1.NodeStatus{
			Capacity: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(n.CPU), corev1.ResourceMemory: mem,
				corev1.ResourcePods: resource.MustParse("110"), corev1.ResourceEphemeralStorage: resource.MustParse("40901312Ki")},
			Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(n.CPU), corev1.ResourceMemory: allocMem,
				corev1.ResourcePods: resource.MustParse("110"), corev1.ResourceEphemeralStorage: resource.MustParse("37694649077")},
			Conditions: []corev1.NodeCondition{
				cond(corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
				cond(corev1.NodeDiskPressure, corev1.ConditionFalse, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
				cond(corev1.NodePIDPressure, corev1.ConditionFalse, "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
				cond(corev1.NodeReady, corev1.ConditionTrue, "KubeletReady", "kubelet is posting ready status"),
			},
			Addresses:       []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: n.IP}, {Type: corev1.NodeHostName, Address: n.Name}},
			DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: 10250}},
			NodeInfo: corev1.NodeSystemInfo{
				MachineID: fmt.Sprintf("%032x", len(n.Name)*7919+int(n.IP[len(n.IP)-1])), SystemUUID: fmt.Sprintf("%08x-0000-4000-8000-%012x", len(n.Name), int(n.IP[len(n.IP)-1])),
				BootID: "kubetour-" + n.Name, KernelVersion: kernel, OSImage: osImage, ContainerRuntimeVersion: runtimeVersion,
				KubeletVersion: apiserver.ServerVersion.GitVersion, KubeProxyVersion: "", OperatingSystem: "linux", Architecture: "amd64",
			},
		},
	}
}

// dockerVersion asks the runtime for the engine version when it can tell.
func dockerVersion(rt interface{ Name() string }) string {
	if v, ok := rt.(interface{ EngineVersion() string }); ok {
		return v.EngineVersion()
	}
	return "unknown"
}

// renewLeases keeps each node's Lease fresh every 10 seconds, as kubelets do.
func (c *Cluster) renewLeases() {
	lk := kinds.Core("leases")
	for _, n := range c.cfg.Nodes {
		obj, err := c.Store.Get(lk, "kube-node-lease", n.Name)
		if err != nil {
			continue
		}
		l := obj.(*coordinationv1.Lease)
		now := metav1.NewMicroTime(c.Clock.Now())
		l.Spec.HolderIdentity = ptr(n.Name)
		l.Spec.LeaseDurationSeconds = ptr(int32(40))
		l.Spec.RenewTime = &now
		c.Store.Update(lk, l, store.UpdateOptions{})
	}
	c.Loop.After(10*time.Second, c.renewLeases)
}

// systemPods creates the control plane as static (mirror) pods on the
// control-plane node, and the kube-proxy and CoreDNS add-ons.
func (c *Cluster) systemPods() error {
	master := c.cfg.Nodes[0]
	version := apiserver.ServerVersion.GitVersion
	static := []struct{ name, image string }{
		{"etcd", "registry.k8s.io/etcd:3.6.4-0"},
		{"kube-apiserver", "registry.k8s.io/kube-apiserver:" + version},
		{"kube-controller-manager", "registry.k8s.io/kube-controller-manager:" + version},
		{"kube-scheduler", "registry.k8s.io/kube-scheduler:" + version},
	}
	pk := kinds.Core("pods")
	nodeObj, err := c.Store.Get(kinds.Core("nodes"), "", master.Name)
	if err != nil {
		return err
	}
	nodeUID := nodeObj.(*corev1.Node).UID
	for _, s := range static {
		t := true
		pod := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: s.name + "-" + master.Name, Namespace: "kube-system",
				Labels: map[string]string{"component": s.name, "tier": "control-plane"},
				Annotations: map[string]string{"kubernetes.io/config.source": "file", "kubernetes.io/config.seen": c.Clock.Now().UTC().Format(time.RFC3339Nano),
					"kubernetes.io/config.hash": fmt.Sprintf("%x", len(s.name)*104729), "kubernetes.io/config.mirror": fmt.Sprintf("%x", len(s.name)*104729)},
				OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: master.Name, UID: nodeUID, Controller: &t}}},
			Spec: corev1.PodSpec{NodeName: master.Name, HostNetwork: true, PriorityClassName: "system-node-critical", Priority: ptr(int32(2000001000)),
				Containers: []corev1.Container{{Name: s.name, Image: s.image, ImagePullPolicy: corev1.PullIfNotPresent,
					Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpuFor(s.name))}}}},
				Tolerations: []corev1.Toleration{{Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute}}},
		}
		if _, err := c.API.Create(c.ctx(), pk, "kube-system", pod, apiserver.WriteOptions{Internal: true}); err != nil {
			return fmt.Errorf("static pod %s: %w", s.name, err)
		}
	}
	// kube-proxy: one pod per node (a DaemonSet), on the host network; it
	// tolerates every taint, so it runs on the control-plane node too.
	dsk, _ := kinds.ByResource("apps", "daemonsets")
	ds := &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: "kube-proxy", Namespace: "kube-system", Labels: map[string]string{"k8s-app": "kube-proxy"}},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"k8s-app": "kube-proxy"}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"k8s-app": "kube-proxy"}},
				Spec: corev1.PodSpec{HostNetwork: true, PriorityClassName: "system-node-critical", NodeSelector: map[string]string{"kubernetes.io/os": "linux"},
					Tolerations: []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
					Containers:  []corev1.Container{{Name: "kube-proxy", Image: "registry.k8s.io/kube-proxy:" + version, Command: []string{"/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"}}}},
			},
		},
	}
	// The DaemonSet controller creates its pods, one per node, as soon as
	// the loop runs; the scheduler binds them through their node affinity.
	if _, err := c.API.Create(c.ctx(), dsk, "kube-system", ds, apiserver.WriteOptions{Internal: true}); err != nil {
		return fmt.Errorf("kube-proxy daemonset: %w", err)
	}
	return c.coreDNS()
}

func cpuFor(component string) string {
	switch component {
	case "kube-apiserver":
		return "250m"
	case "kube-controller-manager":
		return "200m"
	case "etcd", "kube-scheduler":
		return "100m"
	}
	return "100m"
}

// coreDNS creates the CoreDNS Deployment (two replicas on any node; they
// tolerate the control-plane taint, as kubeadm's manifest does). The
// Deployment controller makes its ReplicaSet, named after the template's
// hash, and the ReplicaSet controller its pods, as on a kubeadm cluster:
// the same template always gives the same names.
func (c *Cluster) coreDNS() error {
	depk, _ := kinds.ByResource("apps", "deployments")
	labels := map[string]string{"k8s-app": "kube-dns"}
	tmpl := corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"k8s-app": "kube-dns"}},
		Spec: corev1.PodSpec{PriorityClassName: "system-cluster-critical", DNSPolicy: corev1.DNSDefault,
			NodeSelector: map[string]string{"kubernetes.io/os": "linux"},
			Tolerations: []corev1.Toleration{{Key: "CriticalAddonsOnly", Operator: corev1.TolerationOpExists},
				{Key: "node-role.kubernetes.io/control-plane", Effect: corev1.TaintEffectNoSchedule}},
			Containers: []corev1.Container{{Name: "coredns", Image: "registry.k8s.io/coredns/coredns:v1.12.1", Args: []string{"-conf", "/etc/coredns/Corefile"},
				Ports: []corev1.ContainerPort{{Name: "dns", ContainerPort: 53, Protocol: corev1.ProtocolUDP}, {Name: "dns-tcp", ContainerPort: 53, Protocol: corev1.ProtocolTCP}, {Name: "metrics", ContainerPort: 9153, Protocol: corev1.ProtocolTCP}},
				Resources: corev1.ResourceRequirements{
					Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("70Mi")},
					Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("170Mi")}}}}},
	}
	two := int32(2)
	// kubeadm's CoreDNS rolls one pod at a time (maxUnavailable 1).
	one := intstr.FromInt32(1)
	dep := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "coredns", Namespace: "kube-system", Labels: labels},
		Spec: appsv1.DeploymentSpec{Replicas: &two, Selector: &metav1.LabelSelector{MatchLabels: labels}, Template: tmpl,
			Strategy: appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDeployment{MaxUnavailable: &one}}},
	}
	if _, err := c.API.Create(c.ctx(), depk, "kube-system", dep, apiserver.WriteOptions{Internal: true}); err != nil {
		return fmt.Errorf("coredns deployment: %w", err)
	}
	return nil
}
