package admission

import (
	"math"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"kubetour/engine/equal"
)

// Pod and pod template validation (pkg/apis/core/validation: ValidatePodCreate,
// ValidatePodUpdate, ValidatePodTemplateSpec and what they call), limited to
// what a student can write by hand. Error order follows upstream because
// kubectl prints every error of the list.

var supportedPortProtocols = []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP}

// updatablePodSpecFields is the list quoted by the "pod updates may not
// change fields other than" error, joined with "," as upstream does.
var updatablePodSpecFields = []string{
	"`spec.containers[*].image`",
	"`spec.initContainers[*].image`",
	"`spec.activeDeadlineSeconds`",
	"`spec.tolerations` (only additions to existing tolerations)",
	"`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
}

func validatePod(pod, old *corev1.Pod) field.ErrorList {
	if old != nil {
		return validatePodUpdate(pod, old)
	}
	specPath := field.NewPath("spec")
	errs := validatePodMetadataAndSpec(pod)
	if len(pod.Spec.EphemeralContainers) > 0 {
		errs = append(errs, field.Forbidden(specPath.Child("ephemeralContainers"), "cannot be set on create"))
	}
	if pod.Spec.NodeName != "" && len(pod.Spec.SchedulingGates) != 0 {
		errs = append(errs, field.Forbidden(specPath.Child("nodeName"), "cannot be set until all schedulingGates have been cleared"))
	}
	return errs
}

func validatePodMetadataAndSpec(pod *corev1.Pod) field.ErrorList {
	specPath := field.NewPath("spec")
	errs := validateMeta(&pod.ObjectMeta, true, apivalidation.NameIsDNSSubdomain)
	errs = append(errs, validatePodSpec(&pod.Spec, specPath)...)
	// Pod-only rules that templates are spared for compatibility.
	if pod.Spec.ServiceAccountName == "" {
		for vi, v := range pod.Spec.Volumes {
			if v.Projected == nil {
				continue
			}
			for si, src := range v.Projected.Sources {
				if src.ServiceAccountToken != nil {
					errs = append(errs, field.Forbidden(specPath.Child("volumes").Index(vi).Child("projected", "sources").Index(si).Child("serviceAccountToken"),
						"must not be specified when serviceAccountName is not set"))
				}
			}
		}
	}
	for _, group := range []struct {
		list []corev1.Container
		name string
	}{{pod.Spec.Containers, "containers"}, {pod.Spec.InitContainers, "initContainers"}} {
		for i, c := range group.list {
			if len(c.Image) != len(strings.TrimSpace(c.Image)) {
				errs = append(errs, field.Invalid(specPath.Child(group.name).Index(i).Child("image"), c.Image, "must not have leading or trailing whitespace"))
			}
		}
	}
	return errs
}

// validatePodTemplateSpec is ValidatePodTemplateSpec. Note the label path
// is spec.template.labels, without "metadata", as upstream reports it.
func validatePodTemplateSpec(t *corev1.PodTemplateSpec, p *field.Path) field.ErrorList {
	errs := metav1validation.ValidateLabels(t.Labels, p.Child("labels"))
	errs = append(errs, apivalidation.ValidateAnnotations(t.Annotations, p.Child("annotations"))...)
	errs = append(errs, validatePodSpec(&t.Spec, p.Child("spec"))...)
	if len(t.Spec.EphemeralContainers) > 0 {
		errs = append(errs, field.Forbidden(p.Child("spec", "ephemeralContainers"), "ephemeral containers not allowed in pod template"))
	}
	return errs
}

func validatePodSpec(spec *corev1.PodSpec, p *field.Path) field.ErrorList {
	vols, errs := validateVolumes(spec.Volumes, p.Child("volumes"))
	errs = append(errs, validateContainers(spec.Containers, vols, p.Child("containers"))...)
	errs = append(errs, validateInitContainers(spec.InitContainers, spec.Containers, vols, p.Child("initContainers"))...)
	errs = append(errs, validateRestartPolicy(spec.RestartPolicy, p.Child("restartPolicy"))...)
	errs = append(errs, validateDNSPolicy(spec.DNSPolicy, p.Child("dnsPolicy"))...)
	errs = append(errs, metav1validation.ValidateLabels(spec.NodeSelector, p.Child("nodeSelector"))...)
	if spec.ServiceAccountName != "" {
		for _, msg := range apivalidation.ValidateServiceAccountName(spec.ServiceAccountName, false) {
			errs = append(errs, field.Invalid(p.Child("serviceAccountName"), spec.ServiceAccountName, msg))
		}
	}
	if spec.NodeName != "" {
		for _, msg := range apivalidation.NameIsDNSSubdomain(spec.NodeName, false) {
			errs = append(errs, field.Invalid(p.Child("nodeName"), spec.NodeName, msg))
		}
	}
	if spec.ActiveDeadlineSeconds != nil {
		if v := *spec.ActiveDeadlineSeconds; v < 1 || v > math.MaxInt32 {
			errs = append(errs, field.Invalid(p.Child("activeDeadlineSeconds"), v, validation.InclusiveRangeError(1, math.MaxInt32)))
		}
	}
	if spec.Hostname != "" {
		errs = append(errs, dns1123Label(spec.Hostname, p.Child("hostname"))...)
	}
	if spec.Subdomain != "" {
		errs = append(errs, dns1123Label(spec.Subdomain, p.Child("subdomain"))...)
	}
	errs = append(errs, validateTolerations(spec.Tolerations, p.Child("tolerations"))...)
	if spec.PriorityClassName != "" {
		for _, msg := range apivalidation.NameIsDNSSubdomain(spec.PriorityClassName, false) {
			errs = append(errs, field.Invalid(p.Child("priorityClassName"), spec.PriorityClassName, msg))
		}
	}
	return errs
}

func validateRestartPolicy(rp corev1.RestartPolicy, p *field.Path) field.ErrorList {
	switch rp {
	case corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever:
		return nil
	case "":
		return field.ErrorList{field.Required(p, "")}
	}
	return field.ErrorList{field.NotSupported(p, rp, []corev1.RestartPolicy{corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever})}
}

func validateDNSPolicy(dp corev1.DNSPolicy, p *field.Path) field.ErrorList {
	switch dp {
	case corev1.DNSClusterFirstWithHostNet, corev1.DNSClusterFirst, corev1.DNSDefault, corev1.DNSNone:
		return nil
	case "":
		return field.ErrorList{field.Required(p, "")}
	}
	return field.ErrorList{field.NotSupported(p, dp, []corev1.DNSPolicy{corev1.DNSClusterFirstWithHostNet, corev1.DNSClusterFirst, corev1.DNSDefault, corev1.DNSNone})}
}

// validateVolumes returns the valid volumes by name (mounts are checked
// against it) and the errors.
func validateVolumes(volumes []corev1.Volume, p *field.Path) (map[string]corev1.VolumeSource, field.ErrorList) {
	var errs field.ErrorList
	names := sets.New[string]()
	vols := map[string]corev1.VolumeSource{}
	for i, v := range volumes {
		idx := p.Index(i)
		namePath := idx.Child("name")
		el := validateVolumeSource(&v.VolumeSource, idx)
		if v.Name == "" {
			el = append(el, field.Required(namePath, ""))
		} else {
			el = append(el, dns1123Label(v.Name, namePath)...)
		}
		if names.Has(v.Name) {
			el = append(el, field.Duplicate(namePath, v.Name))
		}
		if len(el) == 0 {
			names.Insert(v.Name)
			vols[v.Name] = v.VolumeSource
		} else {
			errs = append(errs, el...)
		}
	}
	return vols, errs
}

var supportedHostPathTypes = []corev1.HostPathType{"", corev1.HostPathBlockDev, corev1.HostPathCharDev, corev1.HostPathDirectory,
	corev1.HostPathDirectoryOrCreate, corev1.HostPathFile, corev1.HostPathFileOrCreate, corev1.HostPathSocket}

func validateVolumeSource(s *corev1.VolumeSource, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	n := 0
	one := func(child string, check func() field.ErrorList) {
		if n > 0 {
			errs = append(errs, field.Forbidden(p.Child(child), "may not specify more than 1 volume type"))
			return
		}
		n++
		errs = append(errs, check()...)
	}
	if s.EmptyDir != nil {
		one("emptyDir", func() field.ErrorList {
			if s.EmptyDir.SizeLimit != nil && s.EmptyDir.SizeLimit.Sign() < 0 {
				return field.ErrorList{field.Forbidden(p.Child("emptyDir", "sizeLimit"), "SizeLimit field must be a valid resource quantity")}
			}
			return nil
		})
	}
	if s.HostPath != nil {
		one("hostPath", func() field.ErrorList {
			hp := p.Child("hostPath")
			if s.HostPath.Path == "" {
				return field.ErrorList{field.Required(hp.Child("path"), "")}
			}
			if s.HostPath.Type != nil && !hostPathTypeSupported(*s.HostPath.Type) {
				return field.ErrorList{field.NotSupported(hp.Child("type"), *s.HostPath.Type, supportedHostPathTypes)}
			}
			return nil
		})
	}
	if s.Secret != nil {
		one("secret", func() field.ErrorList {
			sp := p.Child("secret")
			var el field.ErrorList
			if s.Secret.SecretName == "" {
				el = append(el, field.Required(sp.Child("secretName"), ""))
			}
			el = append(el, validateFileMode(s.Secret.DefaultMode, sp.Child("defaultMode"))...)
			for i := range s.Secret.Items {
				el = append(el, validateKeyToPath(&s.Secret.Items[i], sp.Child("items").Index(i))...)
			}
			return el
		})
	}
	if s.ConfigMap != nil {
		one("configMap", func() field.ErrorList {
			cp := p.Child("configMap")
			var el field.ErrorList
			if s.ConfigMap.Name == "" {
				el = append(el, field.Required(cp.Child("name"), ""))
			}
			el = append(el, validateFileMode(s.ConfigMap.DefaultMode, cp.Child("defaultMode"))...)
			for i := range s.ConfigMap.Items {
				el = append(el, validateKeyToPath(&s.ConfigMap.Items[i], cp.Child("items").Index(i))...)
			}
			return el
		})
	}
	if s.PersistentVolumeClaim != nil {
		one("persistentVolumeClaim", func() field.ErrorList {
			if s.PersistentVolumeClaim.ClaimName == "" {
				return field.ErrorList{field.Required(p.Child("persistentVolumeClaim", "claimName"), "")}
			}
			return nil
		})
	}
	if s.NFS != nil {
		one("nfs", func() field.ErrorList {
			var el field.ErrorList
			if s.NFS.Server == "" {
				el = append(el, field.Required(p.Child("nfs", "server"), ""))
			}
			if s.NFS.Path == "" {
				el = append(el, field.Required(p.Child("nfs", "path"), ""))
			} else if !strings.HasPrefix(s.NFS.Path, "/") {
				el = append(el, field.Invalid(p.Child("nfs", "path"), s.NFS.Path, "must be an absolute path"))
			}
			return el
		})
	}
	for _, other := range []struct {
		set  bool
		name string
	}{
		{s.DownwardAPI != nil, "downwardAPI"}, {s.Projected != nil, "projected"}, {s.Ephemeral != nil, "ephemeral"},
		{s.CSI != nil, "csi"}, {s.Image != nil, "image"}, {s.ISCSI != nil, "iscsi"}, {s.FC != nil, "fc"},
	} {
		if other.set {
			one(other.name, func() field.ErrorList { return nil })
		}
	}
	if n == 0 {
		errs = append(errs, field.Required(p, "must specify a volume type"))
	}
	return errs
}

func hostPathTypeSupported(t corev1.HostPathType) bool {
	for _, s := range supportedHostPathTypes {
		if s == t {
			return true
		}
	}
	return false
}

const fileModeErrorMsg = "must be a number between 0 and 0777 (octal), both inclusive"

func validateFileMode(mode *int32, p *field.Path) field.ErrorList {
	if mode != nil && (*mode > 0777 || *mode < 0) {
		return field.ErrorList{field.Invalid(p, *mode, fileModeErrorMsg)}
	}
	return nil
}

func validateKeyToPath(kp *corev1.KeyToPath, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if kp.Key == "" {
		errs = append(errs, field.Required(p.Child("key"), ""))
	}
	if kp.Path == "" {
		errs = append(errs, field.Required(p.Child("path"), ""))
	} else {
		errs = append(errs, validateLocalDescendingPath(kp.Path, p.Child("path"))...)
	}
	errs = append(errs, validateFileMode(kp.Mode, p.Child("mode"))...)
	return errs
}

// validateLocalDescendingPath rejects absolute paths and "..", as for
// subPath and items[].path.
func validateLocalDescendingPath(path string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if strings.HasPrefix(path, "/") {
		errs = append(errs, field.Invalid(p, path, "must be a relative path"))
	}
	for _, part := range strings.Split(path, "/") {
		if part == ".." {
			errs = append(errs, field.Invalid(p, path, "must not contain '..'"))
			break
		}
	}
	return errs
}

func validateContainers(containers []corev1.Container, vols map[string]corev1.VolumeSource, p *field.Path) field.ErrorList {
	if len(containers) == 0 {
		return field.ErrorList{field.Required(p, "")}
	}
	var errs field.ErrorList
	names := sets.New[string]()
	for i := range containers {
		c := &containers[i]
		idx := p.Index(i)
		errs = append(errs, validateContainerCommon(c, vols, idx)...)
		if names.Has(c.Name) {
			errs = append(errs, field.Duplicate(idx.Child("name"), c.Name))
		} else {
			names.Insert(c.Name)
		}
		if c.Image == "" {
			errs = append(errs, field.Required(idx.Child("image"), ""))
		}
		errs = append(errs, validateProbe(c.LivenessProbe, idx.Child("livenessProbe"), true)...)
		errs = append(errs, validateProbe(c.ReadinessProbe, idx.Child("readinessProbe"), false)...)
		errs = append(errs, validateProbe(c.StartupProbe, idx.Child("startupProbe"), true)...)
		if c.RestartPolicy != nil {
			errs = append(errs, field.Forbidden(idx.Child("restartPolicy"), "may not be set for non-init containers"))
		}
	}
	return errs
}

func validateInitContainers(inits, containers []corev1.Container, vols map[string]corev1.VolumeSource, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	names := sets.New[string]()
	for _, c := range containers {
		names.Insert(c.Name)
	}
	for i := range inits {
		c := &inits[i]
		idx := p.Index(i)
		errs = append(errs, validateContainerCommon(c, vols, idx)...)
		if names.Has(c.Name) {
			errs = append(errs, field.Duplicate(idx.Child("name"), c.Name))
		} else {
			names.Insert(c.Name)
		}
		if c.Image == "" {
			errs = append(errs, field.Required(idx.Child("image"), ""))
		}
		sidecar := c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
		if c.RestartPolicy != nil && !sidecar {
			errs = append(errs, field.NotSupported(idx.Child("restartPolicy"), *c.RestartPolicy, []corev1.ContainerRestartPolicy{corev1.ContainerRestartPolicyAlways}))
		}
		if !sidecar {
			// Only sidecars keep running long enough for probes to mean anything.
			if c.LivenessProbe != nil {
				errs = append(errs, field.Forbidden(idx.Child("livenessProbe"), "may not be set for init containers without restartPolicy=Always"))
			}
			if c.ReadinessProbe != nil {
				errs = append(errs, field.Forbidden(idx.Child("readinessProbe"), "may not be set for init containers without restartPolicy=Always"))
			}
			if c.StartupProbe != nil {
				errs = append(errs, field.Forbidden(idx.Child("startupProbe"), "may not be set for init containers without restartPolicy=Always"))
			}
		} else {
			errs = append(errs, validateProbe(c.LivenessProbe, idx.Child("livenessProbe"), true)...)
			errs = append(errs, validateProbe(c.ReadinessProbe, idx.Child("readinessProbe"), false)...)
			errs = append(errs, validateProbe(c.StartupProbe, idx.Child("startupProbe"), true)...)
		}
	}
	return errs
}

func validateContainerCommon(c *corev1.Container, vols map[string]corev1.VolumeSource, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	namePath := p.Child("name")
	if c.Name == "" {
		errs = append(errs, field.Required(namePath, ""))
	} else {
		errs = append(errs, dns1123Label(c.Name, namePath)...)
	}
	errs = append(errs, validateContainerPorts(c.Ports, p.Child("ports"))...)
	errs = append(errs, validateEnv(c.Env, p.Child("env"))...)
	errs = append(errs, validateEnvFrom(c.EnvFrom, p.Child("envFrom"))...)
	errs = append(errs, validateVolumeMounts(c.VolumeMounts, vols, p.Child("volumeMounts"))...)
	errs = append(errs, validatePullPolicy(c.ImagePullPolicy, p.Child("imagePullPolicy"))...)
	errs = append(errs, validateResourceRequirements(&c.Resources, p.Child("resources"))...)
	return errs
}

func validateContainerPorts(ports []corev1.ContainerPort, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	names := sets.New[string]()
	for i, port := range ports {
		idx := p.Index(i)
		if port.Name != "" {
			if msgs := validation.IsValidPortName(port.Name); len(msgs) != 0 {
				for _, msg := range msgs {
					errs = append(errs, field.Invalid(idx.Child("name"), port.Name, msg))
				}
			} else if names.Has(port.Name) {
				errs = append(errs, field.Duplicate(idx.Child("name"), port.Name))
			} else {
				names.Insert(port.Name)
			}
		}
		if port.ContainerPort == 0 {
			errs = append(errs, field.Required(idx.Child("containerPort"), ""))
		} else {
			for _, msg := range validation.IsValidPortNum(int(port.ContainerPort)) {
				errs = append(errs, field.Invalid(idx.Child("containerPort"), port.ContainerPort, msg))
			}
		}
		if port.HostPort != 0 {
			for _, msg := range validation.IsValidPortNum(int(port.HostPort)) {
				errs = append(errs, field.Invalid(idx.Child("hostPort"), port.HostPort, msg))
			}
		}
		errs = append(errs, validateProtocol(port.Protocol, idx.Child("protocol"))...)
	}
	return errs
}

func validateProtocol(proto corev1.Protocol, p *field.Path) field.ErrorList {
	if proto == "" {
		return field.ErrorList{field.Required(p, "")}
	}
	for _, s := range supportedPortProtocols {
		if s == proto {
			return nil
		}
	}
	return field.ErrorList{field.NotSupported(p, proto, supportedPortProtocols)}
}

func validateEnv(vars []corev1.EnvVar, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, ev := range vars {
		idx := p.Index(i)
		if ev.Name == "" {
			errs = append(errs, field.Required(idx.Child("name"), ""))
		}
		// RelaxedEnvironmentVariableValidation is GA: any printable ASCII but '='.
		for _, msg := range validation.IsRelaxedEnvVarName(ev.Name) {
			errs = append(errs, field.Invalid(idx.Child("name"), ev.Name, msg))
		}
		errs = append(errs, validateEnvVarValueFrom(ev, idx.Child("valueFrom"))...)
	}
	return errs
}

func validateEnvVarValueFrom(ev corev1.EnvVar, p *field.Path) field.ErrorList {
	if ev.ValueFrom == nil {
		return nil
	}
	var errs field.ErrorList
	n := 0
	vf := ev.ValueFrom
	if vf.FieldRef != nil {
		n++
		if vf.FieldRef.FieldPath == "" {
			errs = append(errs, field.Required(p.Child("fieldRef", "fieldPath"), ""))
		}
	}
	if vf.ResourceFieldRef != nil {
		n++
		if vf.ResourceFieldRef.Resource == "" {
			errs = append(errs, field.Required(p.Child("resourceFieldRef", "resource"), ""))
		}
	}
	if vf.ConfigMapKeyRef != nil {
		n++
		errs = append(errs, validateKeySelector(vf.ConfigMapKeyRef.Name, vf.ConfigMapKeyRef.Key, p.Child("configMapKeyRef"))...)
	}
	if vf.SecretKeyRef != nil {
		n++
		errs = append(errs, validateKeySelector(vf.SecretKeyRef.Name, vf.SecretKeyRef.Key, p.Child("secretKeyRef"))...)
	}
	switch {
	case n == 0:
		errs = append(errs, field.Invalid(p, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"))
	case ev.Value != "":
		errs = append(errs, field.Invalid(p, "", "may not be specified when `value` is not empty"))
	case n > 1:
		errs = append(errs, field.Invalid(p, "", "may not have more than one field specified at a time"))
	}
	return errs
}

func validateKeySelector(name, key string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range apivalidation.NameIsDNSSubdomain(name, false) {
		errs = append(errs, field.Invalid(p.Child("name"), name, msg))
	}
	if key == "" {
		errs = append(errs, field.Required(p.Child("key"), ""))
	} else {
		for _, msg := range validation.IsConfigMapKey(key) {
			errs = append(errs, field.Invalid(p.Child("key"), key, msg))
		}
	}
	return errs
}

func validateEnvFrom(vars []corev1.EnvFromSource, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, ev := range vars {
		idx := p.Index(i)
		if ev.Prefix != "" {
			for _, msg := range validation.IsRelaxedEnvVarName(ev.Prefix) {
				errs = append(errs, field.Invalid(idx.Child("prefix"), ev.Prefix, msg))
			}
		}
		n := 0
		if ev.ConfigMapRef != nil {
			n++
			for _, msg := range apivalidation.NameIsDNSSubdomain(ev.ConfigMapRef.Name, false) {
				errs = append(errs, field.Invalid(idx.Child("configMapRef", "name"), ev.ConfigMapRef.Name, msg))
			}
		}
		if ev.SecretRef != nil {
			if n > 0 {
				errs = append(errs, field.Invalid(idx, "", "may not have more than one field specified at a time"))
			} else {
				n++
				for _, msg := range apivalidation.NameIsDNSSubdomain(ev.SecretRef.Name, false) {
					errs = append(errs, field.Invalid(idx.Child("secretRef", "name"), ev.SecretRef.Name, msg))
				}
			}
		}
		if n == 0 {
			errs = append(errs, field.Invalid(idx, "", "must specify one of: `configMapRef` or `secretRef`"))
		}
	}
	return errs
}

func validateVolumeMounts(mounts []corev1.VolumeMount, vols map[string]corev1.VolumeSource, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	points := sets.New[string]()
	for i, m := range mounts {
		idx := p.Index(i)
		if m.Name == "" {
			errs = append(errs, field.Required(idx.Child("name"), ""))
		}
		if _, ok := vols[m.Name]; !ok {
			errs = append(errs, field.NotFound(idx.Child("name"), m.Name))
		}
		if m.MountPath == "" {
			errs = append(errs, field.Required(idx.Child("mountPath"), ""))
		}
		if points.Has(m.MountPath) {
			errs = append(errs, field.Invalid(idx.Child("mountPath"), m.MountPath, "must be unique"))
		}
		points.Insert(m.MountPath)
		if m.SubPath != "" {
			errs = append(errs, validateLocalDescendingPath(m.SubPath, p.Child("subPath"))...)
		}
	}
	return errs
}

func validatePullPolicy(pp corev1.PullPolicy, p *field.Path) field.ErrorList {
	switch pp {
	case corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever:
		return nil
	case "":
		return field.ErrorList{field.Required(p, "")}
	}
	return field.ErrorList{field.NotSupported(p, pp, []corev1.PullPolicy{corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever})}
}

// standardContainerResources are the unprefixed names a container may use.
var standardContainerResources = sets.New[corev1.ResourceName](corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage)

func validateContainerResourceName(name corev1.ResourceName, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsQualifiedName(string(name)) {
		errs = append(errs, field.Invalid(p, name, msg))
	}
	if len(errs) != 0 {
		return errs
	}
	if !strings.Contains(string(name), "/") {
		if !standardContainerResources.Has(name) && !strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix) {
			errs = append(errs, field.Invalid(p, name, "must be a standard resource for containers"))
		}
	}
	return errs
}

// validateResourceRequirements checks names and quantities and that no
// request is above its limit. The request error is reported on the whole
// requests map with the quantity as value, as upstream does.
func validateResourceRequirements(r *corev1.ResourceRequirements, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	limPath, reqPath := p.Child("limits"), p.Child("requests")
	for _, name := range sortedResourceNames(r.Limits) {
		q := r.Limits[name]
		fp := limPath.Key(string(name))
		errs = append(errs, validateContainerResourceName(name, fp)...)
		errs = append(errs, validateResourceQuantity(q, fp)...)
	}
	for _, name := range sortedResourceNames(r.Requests) {
		q := r.Requests[name]
		fp := reqPath.Key(string(name))
		errs = append(errs, validateContainerResourceName(name, fp)...)
		errs = append(errs, validateResourceQuantity(q, fp)...)
		lim, ok := r.Limits[name]
		overcommit := !strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix)
		switch {
		case ok && !overcommit && q.Cmp(lim) != 0:
			errs = append(errs, field.Invalid(reqPath, q.String(), errf("must be equal to %s limit of %s", name, lim.String())))
		case ok && q.Cmp(lim) > 0:
			errs = append(errs, field.Invalid(reqPath, q.String(), errf("must be less than or equal to %s limit of %s", name, lim.String())))
		case !ok && !overcommit:
			errs = append(errs, field.Required(limPath, "Limit must be set for non overcommitable resources"))
		}
	}
	return errs
}

func validateResourceQuantity(q resource.Quantity, p *field.Path) field.ErrorList {
	if q.Sign() < 0 {
		return field.ErrorList{field.Invalid(p, q.String(), apivalidation.IsNegativeErrorMsg)}
	}
	return nil
}

func validateProbe(probe *corev1.Probe, p *field.Path, successMustBeOne bool) field.ErrorList {
	if probe == nil {
		return nil
	}
	errs := validateProbeHandler(&probe.ProbeHandler, p)
	errs = append(errs, nonNegative32(probe.InitialDelaySeconds, p.Child("initialDelaySeconds"))...)
	errs = append(errs, nonNegative32(probe.TimeoutSeconds, p.Child("timeoutSeconds"))...)
	errs = append(errs, nonNegative32(probe.PeriodSeconds, p.Child("periodSeconds"))...)
	errs = append(errs, nonNegative32(probe.SuccessThreshold, p.Child("successThreshold"))...)
	errs = append(errs, nonNegative32(probe.FailureThreshold, p.Child("failureThreshold"))...)
	if probe.TerminationGracePeriodSeconds != nil && *probe.TerminationGracePeriodSeconds <= 0 {
		errs = append(errs, field.Invalid(p.Child("terminationGracePeriodSeconds"), *probe.TerminationGracePeriodSeconds, "must be greater than 0"))
	}
	if successMustBeOne && probe.SuccessThreshold != 1 {
		errs = append(errs, field.Invalid(p.Child("successThreshold"), probe.SuccessThreshold, "must be 1"))
	}
	return errs
}

func validateProbeHandler(h *corev1.ProbeHandler, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	n := 0
	add := func(child string, check func(*field.Path) field.ErrorList) {
		if n > 0 {
			errs = append(errs, field.Forbidden(p.Child(child), "may not specify more than 1 handler type"))
			return
		}
		n++
		errs = append(errs, check(p.Child(child))...)
	}
	if h.Exec != nil {
		add("exec", func(fp *field.Path) field.ErrorList {
			if len(h.Exec.Command) == 0 {
				return field.ErrorList{field.Required(fp.Child("command"), "")}
			}
			return nil
		})
	}
	if h.HTTPGet != nil {
		add("httpGet", func(fp *field.Path) field.ErrorList {
			var el field.ErrorList
			if h.HTTPGet.Path == "" {
				el = append(el, field.Required(fp.Child("path"), ""))
			}
			el = append(el, validatePortNumOrName(h.HTTPGet.Port, fp.Child("port"))...)
			if h.HTTPGet.Scheme != corev1.URISchemeHTTP && h.HTTPGet.Scheme != corev1.URISchemeHTTPS {
				el = append(el, field.NotSupported(fp.Child("scheme"), h.HTTPGet.Scheme, []corev1.URIScheme{corev1.URISchemeHTTP, corev1.URISchemeHTTPS}))
			}
			return el
		})
	}
	if h.TCPSocket != nil {
		add("tcpSocket", func(fp *field.Path) field.ErrorList {
			return validatePortNumOrName(h.TCPSocket.Port, fp.Child("port"))
		})
	}
	if h.GRPC != nil {
		add("grpc", func(fp *field.Path) field.ErrorList {
			var el field.ErrorList
			for _, msg := range validation.IsValidPortNum(int(h.GRPC.Port)) {
				el = append(el, field.Invalid(fp.Child("port"), h.GRPC.Port, msg))
			}
			return el
		})
	}
	if n == 0 {
		errs = append(errs, field.Required(p, "must specify a handler type"))
	}
	return errs
}

func validatePortNumOrName(port intstr.IntOrString, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if port.Type == intstr.Int {
		for _, msg := range validation.IsValidPortNum(port.IntValue()) {
			errs = append(errs, field.Invalid(p, port.IntValue(), msg))
		}
	} else {
		for _, msg := range validation.IsValidPortName(port.StrVal) {
			errs = append(errs, field.Invalid(p, port.StrVal, msg))
		}
	}
	return errs
}

var supportedTaintEffects = []corev1.TaintEffect{corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute}

func validateTolerations(tols []corev1.Toleration, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, t := range tols {
		idx := p.Index(i)
		if t.Key != "" {
			errs = append(errs, metav1validation.ValidateLabelName(t.Key, idx.Child("key"))...)
		}
		if t.Key == "" && t.Operator != corev1.TolerationOpExists {
			errs = append(errs, field.Invalid(idx.Child("operator"), t.Operator, "operator must be Exists when `key` is empty, which means \"match all values and all keys\""))
		}
		if t.TolerationSeconds != nil && t.Effect != corev1.TaintEffectNoExecute {
			errs = append(errs, field.Invalid(idx.Child("effect"), t.Effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"))
		}
		switch t.Operator {
		case corev1.TolerationOpEqual, "":
			for _, msg := range validation.IsValidLabelValue(t.Value) {
				errs = append(errs, field.Invalid(idx.Child("operator"), t.Value, msg))
			}
		case corev1.TolerationOpExists:
			if t.Value != "" {
				errs = append(errs, field.Invalid(idx.Child("operator"), t, "value must be empty when `operator` is 'Exists'"))
			}
		default:
			errs = append(errs, field.NotSupported(idx.Child("operator"), t.Operator, []corev1.TolerationOperator{corev1.TolerationOpEqual, corev1.TolerationOpExists}))
		}
		if t.Effect != "" {
			ok := false
			for _, e := range supportedTaintEffects {
				ok = ok || e == t.Effect
			}
			if !ok {
				errs = append(errs, field.NotSupported(idx.Child("effect"), t.Effect, supportedTaintEffects))
			}
		}
	}
	return errs
}

// validatePodUpdate is ValidatePodUpdate: only images, activeDeadlineSeconds,
// added tolerations and a negative grace period raised to 1 may change.
func validatePodUpdate(pod, old *corev1.Pod) field.ErrorList {
	specPath := field.NewPath("spec")
	errs := validateMetaUpdate(pod, old)
	errs = append(errs, validatePodMetadataAndSpecNoMeta(pod)...)

	for _, group := range []struct {
		newList, oldList []corev1.Container
		name             string
	}{{pod.Spec.Containers, old.Spec.Containers, "containers"}, {pod.Spec.InitContainers, old.Spec.InitContainers, "initContainers"}} {
		p := specPath.Child(group.name)
		if len(group.newList) != len(group.oldList) {
			return append(errs, field.Forbidden(p, "pod updates may not add or remove containers"))
		}
		for i, c := range group.newList {
			if c.Image == "" {
				errs = append(errs, field.Required(p.Index(i).Child("image"), ""))
			}
		}
	}

	if ads := pod.Spec.ActiveDeadlineSeconds; ads != nil {
		if *ads < 0 || *ads > math.MaxInt32 {
			return append(errs, field.Invalid(specPath.Child("activeDeadlineSeconds"), *ads, validation.InclusiveRangeError(0, math.MaxInt32)))
		}
		if old.Spec.ActiveDeadlineSeconds != nil && *old.Spec.ActiveDeadlineSeconds < *ads {
			return append(errs, field.Invalid(specPath.Child("activeDeadlineSeconds"), *ads, "must be less than or equal to previous value"))
		}
	} else if old.Spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, field.Invalid(specPath.Child("activeDeadlineSeconds"), pod.Spec.ActiveDeadlineSeconds, "must not update from a positive integer to nil value"))
	}
	errs = append(errs, validateOnlyAddedTolerations(pod.Spec.Tolerations, old.Spec.Tolerations, specPath.Child("tolerations"))...)

	if equal.Semantic(pod.Spec, old.Spec) {
		return errs
	}
	munged := pod.Spec.DeepCopy()
	for i := range munged.Containers {
		munged.Containers[i].Image = old.Spec.Containers[i].Image
	}
	for i := range munged.InitContainers {
		munged.InitContainers[i].Image = old.Spec.InitContainers[i].Image
	}
	munged.ActiveDeadlineSeconds = old.Spec.ActiveDeadlineSeconds
	munged.SchedulingGates = old.Spec.SchedulingGates
	munged.Tolerations = old.Spec.Tolerations
	if g := old.Spec.TerminationGracePeriodSeconds; g != nil && *g < 0 && munged.TerminationGracePeriodSeconds != nil && *munged.TerminationGracePeriodSeconds == 1 {
		munged.TerminationGracePeriodSeconds = g
	}
	if !equal.Semantic(*munged, old.Spec) {
		errs = append(errs, field.Forbidden(specPath, "pod updates may not change fields other than "+
			strings.Join(updatablePodSpecFields, ",")+"\n"+specDiff(old.Spec, *munged)))
	}
	return errs
}

// validatePodMetadataAndSpecNoMeta is validatePodMetadataAndSpec without the
// create-time metadata rules, which ValidateObjectMetaUpdate replaces.
func validatePodMetadataAndSpecNoMeta(pod *corev1.Pod) field.ErrorList {
	all := validatePodMetadataAndSpec(pod)
	metaOnly := validateMeta(&pod.ObjectMeta, true, apivalidation.NameIsDNSSubdomain)
	return all[len(metaOnly):]
}

func validateOnlyAddedTolerations(newTols, oldTols []corev1.Toleration, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, ot := range oldTols {
		found := false
		for _, nt := range newTols {
			// Everything but tolerationSeconds must stay as it was.
			c := ot
			c.TolerationSeconds = nt.TolerationSeconds
			if equal.Semantic(c, nt) {
				found = true
				break
			}
		}
		if !found {
			return append(errs, field.Forbidden(p, "existing toleration can not be modified except its tolerationSeconds"))
		}
	}
	return append(errs, validateTolerations(newTols, p)...)
}
