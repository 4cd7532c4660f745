package kubelet

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"

	"kubetour/engine/kinds"
	"kubetour/engine/runtime"
	"kubetour/engine/store"
)

// envFor builds a container's environment as the kubelet does, once, at
// start: Service links, then envFrom, then env with $(VAR) expansion. A
// later ConfigMap change does not reach a running container's env — the
// point the ConfigMap chapter makes.
func (k *Kubelet) envFor(st *podState, c *corev1.Container) ([]runtime.EnvVar, error) {
	pod := st.pod
	var out []runtime.EnvVar
	vals := map[string]string{}
	set := func(name, value string) {
		if _, ok := vals[name]; ok {
			for i := range out {
				if out[i].Name == name {
					out[i].Value = value
				}
			}
		} else {
			out = append(out, runtime.EnvVar{Name: name, Value: value})
		}
		vals[name] = value
	}
	set("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	set("HOSTNAME", hostname(pod))
	if pod.Spec.EnableServiceLinks == nil || *pod.Spec.EnableServiceLinks {
		for _, e := range k.serviceEnv(pod.Namespace) {
			set(e.Name, e.Value)
		}
	} else {
		for _, e := range k.serviceEnv("default") {
			if strings.HasPrefix(e.Name, "KUBERNETES_") {
				set(e.Name, e.Value)
			}
		}
	}
	for _, from := range c.EnvFrom {
		switch {
		case from.ConfigMapRef != nil:
			cm, err := k.configMap(pod.Namespace, from.ConfigMapRef.Name)
			if err != nil {
				if optional(from.ConfigMapRef.Optional) {
					continue
				}
				return nil, err
			}
			for _, key := range sortedKeys(cm.Data) {
				if len(validation.IsEnvVarName(from.Prefix+key)) == 0 {
					set(from.Prefix+key, cm.Data[key])
				}
			}
		case from.SecretRef != nil:
			sec, err := k.secret(pod.Namespace, from.SecretRef.Name)
			if err != nil {
				if optional(from.SecretRef.Optional) {
					continue
				}
				return nil, err
			}
			keys := make([]string, 0, len(sec.Data))
			for key := range sec.Data {
				keys = append(keys, key)
			}
			sort.Strings(keys)
			for _, key := range keys {
				if len(validation.IsEnvVarName(from.Prefix+key)) == 0 {
					set(from.Prefix+key, string(sec.Data[key]))
				}
			}
		}
	}
	for _, e := range c.Env {
		if e.ValueFrom == nil {
			set(e.Name, expand(e.Value, vals))
			continue
		}
		v, skip, err := k.valueFrom(st, c, e.ValueFrom)
		if err != nil {
			return nil, err
		}
		if !skip {
			set(e.Name, v)
		}
	}
	return out, nil
}

func optional(p *bool) bool { return p != nil && *p }

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for key := range m {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	return keys
}

// expand replaces $(VAR) with earlier values; $$ escapes, unknown stays.
func expand(s string, vals map[string]string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '$' && i+1 < len(s) {
			if s[i+1] == '$' {
				b.WriteByte('$')
				i++
				continue
			}
			if s[i+1] == '(' {
				if end := strings.IndexByte(s[i+2:], ')'); end >= 0 {
					name := s[i+2 : i+2+end]
					if v, ok := vals[name]; ok {
						b.WriteString(v)
						i += end + 2
						continue
					}
				}
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func (k *Kubelet) configMap(ns, name string) (*corev1.ConfigMap, error) {
	obj, err := k.store.Get(kinds.Core("configmaps"), ns, name)
	if err != nil {
		if apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("configmap %q not found", name)
		}
		return nil, err
	}
	return obj.(*corev1.ConfigMap), nil
}

func (k *Kubelet) secret(ns, name string) (*corev1.Secret, error) {
	obj, err := k.store.Get(kinds.Core("secrets"), ns, name)
	if err != nil {
		if apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("secret %q not found", name)
		}
		return nil, err
	}
	return obj.(*corev1.Secret), nil
}

func (k *Kubelet) valueFrom(st *podState, c *corev1.Container, src *corev1.EnvVarSource) (string, bool, error) {
	pod := st.pod
	switch {
	case src.ConfigMapKeyRef != nil:
		ref := src.ConfigMapKeyRef
		cm, err := k.configMap(pod.Namespace, ref.Name)
		if err != nil {
			return "", optional(ref.Optional), ifRequired(err, ref.Optional)
		}
		v, ok := cm.Data[ref.Key]
		if !ok {
			if optional(ref.Optional) {
				return "", true, nil
			}
			return "", false, fmt.Errorf("couldn't find key %s in ConfigMap %s/%s", ref.Key, pod.Namespace, ref.Name)
		}
		return v, false, nil
	case src.SecretKeyRef != nil:
		ref := src.SecretKeyRef
		sec, err := k.secret(pod.Namespace, ref.Name)
		if err != nil {
			return "", optional(ref.Optional), ifRequired(err, ref.Optional)
		}
		v, ok := sec.Data[ref.Key]
		if !ok {
			if optional(ref.Optional) {
				return "", true, nil
			}
			return "", false, fmt.Errorf("couldn't find key %s in Secret %s/%s", ref.Key, pod.Namespace, ref.Name)
		}
		return string(v), false, nil
	case src.FieldRef != nil:
		switch src.FieldRef.FieldPath {
		case "metadata.name":
			return pod.Name, false, nil
		case "metadata.namespace":
			return pod.Namespace, false, nil
		case "metadata.uid":
			return string(pod.UID), false, nil
		case "spec.nodeName":
			return pod.Spec.NodeName, false, nil
		case "spec.serviceAccountName":
			return pod.Spec.ServiceAccountName, false, nil
		case "status.podIP", "status.podIPs":
			return st.ip, false, nil
		case "status.hostIP", "status.hostIPs":
			return k.nodeIP(pod.Spec.NodeName), false, nil
		}
		if strings.HasPrefix(src.FieldRef.FieldPath, "metadata.labels['") {
			key := strings.TrimSuffix(strings.TrimPrefix(src.FieldRef.FieldPath, "metadata.labels['"), "']")
			return pod.Labels[key], false, nil
		}
		if strings.HasPrefix(src.FieldRef.FieldPath, "metadata.annotations['") {
			key := strings.TrimSuffix(strings.TrimPrefix(src.FieldRef.FieldPath, "metadata.annotations['"), "']")
			return pod.Annotations[key], false, nil
		}
		return "", false, fmt.Errorf("unsupported fieldPath: %s", src.FieldRef.FieldPath)
	case src.ResourceFieldRef != nil:
		ref := src.ResourceFieldRef
		divisor := ref.Divisor
		if divisor.IsZero() {
			divisor = resource.MustParse("1")
		}
		var q resource.Quantity
		var ok bool
		switch ref.Resource {
		case "limits.cpu":
			q, ok = c.Resources.Limits[corev1.ResourceCPU]
		case "limits.memory":
			q, ok = c.Resources.Limits[corev1.ResourceMemory]
		case "requests.cpu":
			q, ok = c.Resources.Requests[corev1.ResourceCPU]
		case "requests.memory":
			q, ok = c.Resources.Requests[corev1.ResourceMemory]
		}
		if !ok {
			// Unset limits report the node's allocatable, as upstream does.
			q = k.nodeAllocatable(pod.Spec.NodeName, ref.Resource)
		}
		if strings.HasSuffix(ref.Resource, "cpu") {
			v := (q.MilliValue() + divisor.MilliValue() - 1) / divisor.MilliValue()
			return strconv.FormatInt(v, 10), false, nil
		}
		v := (q.Value() + divisor.Value() - 1) / divisor.Value()
		return strconv.FormatInt(v, 10), false, nil
	}
	return "", true, nil
}

func ifRequired(err error, opt *bool) error {
	if optional(opt) {
		return nil
	}
	return err
}

// nodeIP is a node's InternalIP, remembered once read: a node's address
// does not change while it lives.
func (k *Kubelet) nodeIP(node string) string {
	if ip, ok := k.nodeIPs[node]; ok {
		return ip
	}
	obj, err := k.store.Get(kinds.Core("nodes"), "", node)
	if err != nil {
		return ""
	}
	for _, a := range obj.(*corev1.Node).Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			k.nodeIPs[node] = a.Address
			return a.Address
		}
	}
	return ""
}

func (k *Kubelet) nodeAllocatable(node, res string) resource.Quantity {
	obj, err := k.store.Get(kinds.Core("nodes"), "", node)
	if err != nil {
		return resource.Quantity{}
	}
	name := corev1.ResourceMemory
	if strings.HasSuffix(res, "cpu") {
		name = corev1.ResourceCPU
	}
	return obj.(*corev1.Node).Status.Allocatable[name]
}

// serviceEnv is the docker-links style variables of every Service in ns
// (and the kubernetes Service), as the kubelet injects them.
func (k *Kubelet) serviceEnv(ns string) []runtime.EnvVar {
	svcs, _ := k.store.List(kinds.Core("services"), store.ListOptions{Namespace: ns})
	if ns != "default" {
		if kube, err := k.store.Get(kinds.Core("services"), "default", "kubernetes"); err == nil {
			svcs = append(svcs, kube)
		}
	}
	var out []runtime.EnvVar
	for _, obj := range svcs {
		svc := obj.(*corev1.Service)
		if svc.Spec.ClusterIP == "" || svc.Spec.ClusterIP == corev1.ClusterIPNone || len(svc.Spec.Ports) == 0 {
			continue
		}
		name := strings.ToUpper(strings.ReplaceAll(svc.Name, "-", "_"))
		ip := svc.Spec.ClusterIP
		first := svc.Spec.Ports[0]
		out = append(out,
			runtime.EnvVar{Name: name + "_SERVICE_HOST", Value: ip},
			runtime.EnvVar{Name: name + "_SERVICE_PORT", Value: strconv.Itoa(int(first.Port))})
		for _, p := range svc.Spec.Ports {
			if p.Name != "" {
				out = append(out, runtime.EnvVar{Name: name + "_SERVICE_PORT_" + strings.ToUpper(strings.ReplaceAll(p.Name, "-", "_")), Value: strconv.Itoa(int(p.Port))})
			}
		}
		proto := strings.ToLower(string(first.Protocol))
		if proto == "" {
			proto = "tcp"
		}
		out = append(out, runtime.EnvVar{Name: name + "_PORT", Value: fmt.Sprintf("%s://%s:%d", proto, ip, first.Port)})
		for _, p := range svc.Spec.Ports {
			pr := strings.ToLower(string(p.Protocol))
			if pr == "" {
				pr = "tcp"
			}
			prefix := fmt.Sprintf("%s_PORT_%d_%s", name, p.Port, strings.ToUpper(pr))
			out = append(out,
				runtime.EnvVar{Name: prefix, Value: fmt.Sprintf("%s://%s:%d", pr, ip, p.Port)},
				runtime.EnvVar{Name: prefix + "_PROTO", Value: pr},
				runtime.EnvVar{Name: prefix + "_PORT", Value: strconv.Itoa(int(p.Port))},
				runtime.EnvVar{Name: prefix + "_ADDR", Value: ip})
		}
	}
	return out
}
