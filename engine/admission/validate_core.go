package admission

import (
	"encoding/json"
	"net/netip"
	"reflect"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"kubetour/engine/equal"
)

// Validation of core/v1 kinds other than Pod.

// --- Service ---------------------------------------------------------------

func validateService(svc, old *corev1.Service) field.ErrorList {
	var errs field.ErrorList
	if old != nil {
		errs = validateMetaUpdate(svc, old)
		errs = append(errs, validateClusterIPsUnchanged(svc, old)...)
	} else {
		errs = validateMeta(&svc.ObjectMeta, true, apivalidation.NameIsDNS1035Label)
	}
	return append(errs, validateServiceSpec(svc)...)
}

// validateClusterIPsUnchanged is validateUpgradeDowngradeClusterIPs for a
// single-stack cluster: once allocated, the primary IP stays.
func validateClusterIPsUnchanged(svc, old *corev1.Service) field.ErrorList {
	if svc.Spec.Type == corev1.ServiceTypeExternalName || old.Spec.Type == corev1.ServiceTypeExternalName {
		return nil
	}
	if isHeadless(svc) && isHeadless(old) {
		return nil
	}
	p := field.NewPath("spec", "clusterIPs")
	var errs field.ErrorList
	switch {
	case len(old.Spec.ClusterIPs) == len(svc.Spec.ClusterIPs):
		for i, ip := range old.Spec.ClusterIPs {
			if ip != svc.Spec.ClusterIPs[i] {
				errs = append(errs, field.Invalid(p.Index(i), svc.Spec.ClusterIPs, "may not change once set"))
			}
		}
	case len(old.Spec.ClusterIPs) > len(svc.Spec.ClusterIPs):
		if len(svc.Spec.ClusterIPs) == 0 {
			errs = append(errs, field.Invalid(p.Index(0), svc.Spec.ClusterIPs, "primary clusterIP can not be unset"))
		} else if svc.Spec.ClusterIPs[0] != old.Spec.ClusterIPs[0] {
			errs = append(errs, field.Invalid(p.Index(0), svc.Spec.ClusterIPs, "may not change once set"))
		}
	default:
		if len(old.Spec.ClusterIPs) > 0 && svc.Spec.ClusterIPs[0] != old.Spec.ClusterIPs[0] {
			errs = append(errs, field.Invalid(p.Index(0), svc.Spec.ClusterIPs, "may not change once set"))
		}
	}
	return errs
}

func isHeadless(svc *corev1.Service) bool {
	return len(svc.Spec.ClusterIPs) == 1 && svc.Spec.ClusterIPs[0] == corev1.ClusterIPNone
}

var (
	supportedServiceTypes       = []corev1.ServiceType{corev1.ServiceTypeClusterIP, corev1.ServiceTypeExternalName, corev1.ServiceTypeLoadBalancer, corev1.ServiceTypeNodePort}
	supportedSessionAffinities  = []corev1.ServiceAffinity{corev1.ServiceAffinityClientIP, corev1.ServiceAffinityNone}
	supportedTrafficPolicies    = []corev1.ServiceExternalTrafficPolicy{corev1.ServiceExternalTrafficPolicyCluster, corev1.ServiceExternalTrafficPolicyLocal}
	supportedIPFamilyPolicies   = []corev1.IPFamilyPolicy{corev1.IPFamilyPolicyPreferDualStack, corev1.IPFamilyPolicyRequireDualStack, corev1.IPFamilyPolicySingleStack}
	supportedInternalTrafficPol = []corev1.ServiceInternalTrafficPolicy{corev1.ServiceInternalTrafficPolicyCluster, corev1.ServiceInternalTrafficPolicyLocal}
)

func validateServiceSpec(svc *corev1.Service) field.ErrorList {
	var errs field.ErrorList
	spec := &svc.Spec
	specPath := field.NewPath("spec")
	headless := len(spec.ClusterIPs) > 0 && spec.ClusterIPs[0] == corev1.ClusterIPNone
	if len(spec.Ports) == 0 && !headless && spec.Type != corev1.ServiceTypeExternalName {
		errs = append(errs, field.Required(specPath.Child("ports"), ""))
	}
	switch spec.Type {
	case corev1.ServiceTypeLoadBalancer:
		for i, port := range spec.Ports {
			// 10250 is the kubelet's port; a cloud firewall would open it.
			if port.Port == 10250 {
				errs = append(errs, field.Invalid(specPath.Child("ports").Index(i), port.Port, "may not expose port 10250 externally since it is used by kubelet"))
			}
		}
		if headless {
			errs = append(errs, field.Invalid(specPath.Child("clusterIPs").Index(0), spec.ClusterIPs[0], "may not be set to 'None' for LoadBalancer services"))
		}
	case corev1.ServiceTypeNodePort:
		if headless {
			errs = append(errs, field.Invalid(specPath.Child("clusterIPs").Index(0), spec.ClusterIPs[0], "may not be set to 'None' for NodePort services"))
		}
	case corev1.ServiceTypeExternalName:
		if len(spec.ClusterIPs) > 0 {
			errs = append(errs, field.Forbidden(specPath.Child("clusterIPs"), "may not be set for ExternalName services"))
		}
		if len(spec.IPFamilies) > 0 {
			errs = append(errs, field.Forbidden(specPath.Child("ipFamilies"), "may not be set for ExternalName services"))
		}
		if spec.IPFamilyPolicy != nil {
			errs = append(errs, field.Forbidden(specPath.Child("ipFamilyPolicy"), "may not be set for ExternalName services"))
		}
		if cname := strings.TrimSuffix(spec.ExternalName, "."); cname != "" {
			errs = append(errs, dns1123Subdomain(cname, specPath.Child("externalName"))...)
		} else {
			errs = append(errs, field.Required(specPath.Child("externalName"), ""))
		}
	}

	names := sets.New[string]()
	for i := range spec.Ports {
		errs = append(errs, validateServicePort(&spec.Ports[i], len(spec.Ports) > 1, names, specPath.Child("ports").Index(i))...)
	}
	if spec.Selector != nil {
		errs = append(errs, metav1validation.ValidateLabels(spec.Selector, specPath.Child("selector"))...)
	}
	if spec.SessionAffinity == "" {
		errs = append(errs, field.Required(specPath.Child("sessionAffinity"), ""))
	} else if !contains(supportedSessionAffinities, spec.SessionAffinity) {
		errs = append(errs, field.NotSupported(specPath.Child("sessionAffinity"), spec.SessionAffinity, supportedSessionAffinities))
	}
	if spec.SessionAffinity == corev1.ServiceAffinityNone && spec.SessionAffinityConfig != nil {
		errs = append(errs, field.Forbidden(specPath.Child("sessionAffinityConfig"), "must not be set when session affinity is None"))
	}
	for i, ip := range spec.ExternalIPs {
		if _, err := netip.ParseAddr(ip); err != nil {
			errs = append(errs, field.Invalid(specPath.Child("externalIPs").Index(i), ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"))
		}
	}
	if spec.Type == "" {
		errs = append(errs, field.Required(specPath.Child("type"), ""))
	} else if !contains(supportedServiceTypes, spec.Type) {
		errs = append(errs, field.NotSupported(specPath.Child("type"), spec.Type, supportedServiceTypes))
	}
	if spec.Type == corev1.ServiceTypeClusterIP {
		for i := range spec.Ports {
			if spec.Ports[i].NodePort != 0 {
				errs = append(errs, field.Forbidden(specPath.Child("ports").Index(i).Child("nodePort"), "may not be used when `type` is 'ClusterIP'"))
			}
		}
	}
	// (protocol, nodePort) and (protocol, port) pairs must be unique.
	type pp struct {
		proto corev1.Protocol
		port  int32
	}
	seenNode := map[pp]bool{}
	for i, port := range spec.Ports {
		if port.NodePort == 0 {
			continue
		}
		k := pp{port.Protocol, port.NodePort}
		if seenNode[k] {
			errs = append(errs, field.Duplicate(specPath.Child("ports").Index(i).Child("nodePort"), port.NodePort))
		}
		seenNode[k] = true
	}
	seen := map[pp]bool{}
	for i, port := range spec.Ports {
		k := pp{port.Protocol, port.Port}
		if seen[k] {
			// Upstream reports the internal ServicePort holding only these two.
			errs = append(errs, field.Duplicate(specPath.Child("ports").Index(i), internalJSON{corev1.ServicePort{Protocol: port.Protocol, Port: port.Port}}))
		}
		seen[k] = true
	}
	errs = append(errs, validateExternalTrafficPolicy(svc)...)
	if spec.InternalTrafficPolicy != nil && !contains(supportedInternalTrafficPol, *spec.InternalTrafficPolicy) {
		errs = append(errs, field.NotSupported(specPath.Child("internalTrafficPolicy"), *spec.InternalTrafficPolicy, supportedInternalTrafficPol))
	}
	errs = append(errs, validateClusterIPFields(svc)...)
	return errs
}

func validateServicePort(sp *corev1.ServicePort, requireName bool, names sets.Set[string], p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if requireName && sp.Name == "" {
		errs = append(errs, field.Required(p.Child("name"), ""))
	} else if sp.Name != "" {
		errs = append(errs, dns1123Label(sp.Name, p.Child("name"))...)
		if names.Has(sp.Name) {
			errs = append(errs, field.Duplicate(p.Child("name"), sp.Name))
		} else {
			names.Insert(sp.Name)
		}
	}
	for _, msg := range validation.IsValidPortNum(int(sp.Port)) {
		errs = append(errs, field.Invalid(p.Child("port"), sp.Port, msg))
	}
	errs = append(errs, validateProtocol(sp.Protocol, p.Child("protocol"))...)
	errs = append(errs, validatePortNumOrName(sp.TargetPort, p.Child("targetPort"))...)
	return errs
}

func validateExternalTrafficPolicy(svc *corev1.Service) field.ErrorList {
	p := field.NewPath("spec", "externalTrafficPolicy")
	s := &svc.Spec
	external := s.Type == corev1.ServiceTypeLoadBalancer || s.Type == corev1.ServiceTypeNodePort ||
		(s.Type == corev1.ServiceTypeClusterIP && len(s.ExternalIPs) > 0)
	if !external {
		if s.ExternalTrafficPolicy != "" {
			return field.ErrorList{field.Invalid(p, s.ExternalTrafficPolicy, "may only be set for externally-accessible services")}
		}
		return nil
	}
	if s.ExternalTrafficPolicy == "" {
		return field.ErrorList{field.Required(p, "")}
	}
	if !contains(supportedTrafficPolicies, s.ExternalTrafficPolicy) {
		return field.ErrorList{field.NotSupported(p, s.ExternalTrafficPolicy, supportedTrafficPolicies)}
	}
	return nil
}

// validateClusterIPFields is validateServiceClusterIPsRelatedFields for the
// single-stack IPv4 cluster kubetour simulates.
func validateClusterIPFields(svc *corev1.Service) field.ErrorList {
	s := &svc.Spec
	if s.Type == corev1.ServiceTypeExternalName {
		return nil
	}
	var errs field.ErrorList
	ipsPath := field.NewPath("spec", "clusterIPs")
	if s.ClusterIP != "" {
		if len(s.ClusterIPs) == 0 {
			errs = append(errs, field.Required(ipsPath, ""))
		} else if s.ClusterIPs[0] != s.ClusterIP {
			errs = append(errs, field.Invalid(ipsPath, s.ClusterIPs, "first value must match `clusterIP`"))
		}
	} else if len(s.ClusterIPs) != 0 {
		errs = append(errs, field.Invalid(ipsPath, s.ClusterIPs, "must be empty when `clusterIP` is not specified"))
	}
	for i, f := range s.IPFamilies {
		if f != corev1.IPv4Protocol && f != corev1.IPv6Protocol {
			errs = append(errs, field.NotSupported(field.NewPath("spec", "ipFamilies").Index(i), f, []corev1.IPFamily{corev1.IPv4Protocol, corev1.IPv6Protocol}))
		}
	}
	if s.IPFamilyPolicy != nil && !contains(supportedIPFamilyPolicies, *s.IPFamilyPolicy) {
		errs = append(errs, field.NotSupported(field.NewPath("spec", "ipFamilyPolicy"), s.IPFamilyPolicy, supportedIPFamilyPolicies))
	}
	for i, ip := range s.ClusterIPs {
		if i == 0 && ip == corev1.ClusterIPNone {
			if len(s.ClusterIPs) > 1 {
				errs = append(errs, field.Invalid(ipsPath, s.ClusterIPs, "'None' must be the first and only value"))
			}
			continue
		}
		if _, err := netip.ParseAddr(ip); err != nil {
			errs = append(errs, field.Invalid(ipsPath.Index(i), ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"))
		}
	}
	if len(s.ClusterIPs) > 2 {
		errs = append(errs, field.Invalid(ipsPath, s.ClusterIPs, "may only hold up to 2 values"))
	}
	return errs
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// --- Namespace, ConfigMap, Secret ------------------------------------------

func validateNamespace(ns, old *corev1.Namespace) field.ErrorList {
	errs := metaErrs(ns, old, false, apivalidation.ValidateNamespaceName)
	for _, f := range ns.Spec.Finalizers {
		errs = append(errs, apivalidation.ValidateFinalizerName(string(f), field.NewPath("spec", "finalizers"))...)
	}
	return errs
}

func validateConfigMap(cm, old *corev1.ConfigMap) field.ErrorList {
	var errs field.ErrorList
	if old != nil {
		errs = validateMetaUpdate(cm, old)
		if old.Immutable != nil && *old.Immutable {
			if cm.Immutable == nil || !*cm.Immutable {
				errs = append(errs, field.Forbidden(field.NewPath("immutable"), "field is immutable when `immutable` is set"))
			}
			if !reflect.DeepEqual(cm.Data, old.Data) {
				errs = append(errs, field.Forbidden(field.NewPath("data"), "field is immutable when `immutable` is set"))
			}
			if !reflect.DeepEqual(cm.BinaryData, old.BinaryData) {
				errs = append(errs, field.Forbidden(field.NewPath("binaryData"), "field is immutable when `immutable` is set"))
			}
		}
	} else {
		errs = validateMeta(&cm.ObjectMeta, true, apivalidation.NameIsDNSSubdomain)
	}
	total := 0
	for _, key := range sortedKeys(cm.Data) {
		for _, msg := range validation.IsConfigMapKey(key) {
			errs = append(errs, field.Invalid(field.NewPath("data").Key(key), key, msg))
		}
		if _, dup := cm.BinaryData[key]; dup {
			errs = append(errs, field.Invalid(field.NewPath("data").Key(key), key, "duplicate of key present in binaryData"))
		}
		total += len(cm.Data[key])
	}
	for _, key := range sortedKeys(cm.BinaryData) {
		for _, msg := range validation.IsConfigMapKey(key) {
			errs = append(errs, field.Invalid(field.NewPath("binaryData").Key(key), key, msg))
		}
		total += len(cm.BinaryData[key])
	}
	if total > corev1.MaxSecretSize {
		errs = append(errs, field.TooLong(field.NewPath(""), "", corev1.MaxSecretSize))
	}
	return errs
}

func validateSecret(s, old *corev1.Secret) field.ErrorList {
	var errs field.ErrorList
	if old != nil {
		errs = validateMetaUpdate(s, old)
		errs = append(errs, immutable(s.Type, old.Type, field.NewPath("type"))...)
		if old.Immutable != nil && *old.Immutable {
			if s.Immutable == nil || !*s.Immutable {
				errs = append(errs, field.Forbidden(field.NewPath("immutable"), "field is immutable when `immutable` is set"))
			}
			if !reflect.DeepEqual(s.Data, old.Data) {
				errs = append(errs, field.Forbidden(field.NewPath("data"), "field is immutable when `immutable` is set"))
			}
		}
	} else {
		errs = validateMeta(&s.ObjectMeta, true, apivalidation.NameIsDNSSubdomain)
	}
	dataPath := field.NewPath("data")
	total := 0
	for _, key := range sortedKeys(s.Data) {
		for _, msg := range validation.IsConfigMapKey(key) {
			errs = append(errs, field.Invalid(dataPath.Key(key), key, msg))
		}
		total += len(s.Data[key])
	}
	if total > corev1.MaxSecretSize {
		errs = append(errs, field.TooLong(dataPath, "", corev1.MaxSecretSize))
	}
	switch s.Type {
	case corev1.SecretTypeServiceAccountToken:
		if s.Annotations[corev1.ServiceAccountNameKey] == "" {
			errs = append(errs, field.Required(field.NewPath("metadata", "annotations").Key(corev1.ServiceAccountNameKey), ""))
		}
	case corev1.SecretTypeDockercfg:
		errs = append(errs, requireJSONKey(s.Data, corev1.DockerConfigKey, dataPath)...)
	case corev1.SecretTypeDockerConfigJson:
		errs = append(errs, requireJSONKey(s.Data, corev1.DockerConfigJsonKey, dataPath)...)
	case corev1.SecretTypeBasicAuth:
		_, u := s.Data[corev1.BasicAuthUsernameKey]
		_, pw := s.Data[corev1.BasicAuthPasswordKey]
		if !u && !pw {
			errs = append(errs, field.Required(dataPath.Key(corev1.BasicAuthUsernameKey), ""), field.Required(dataPath.Key(corev1.BasicAuthPasswordKey), ""))
		}
	case corev1.SecretTypeSSHAuth:
		if len(s.Data[corev1.SSHAuthPrivateKey]) == 0 {
			errs = append(errs, field.Required(dataPath.Key(corev1.SSHAuthPrivateKey), ""))
		}
	case corev1.SecretTypeTLS:
		if _, ok := s.Data[corev1.TLSCertKey]; !ok {
			errs = append(errs, field.Required(dataPath.Key(corev1.TLSCertKey), ""))
		}
		if _, ok := s.Data[corev1.TLSPrivateKeyKey]; !ok {
			errs = append(errs, field.Required(dataPath.Key(corev1.TLSPrivateKeyKey), ""))
		}
	}
	return errs
}

func requireJSONKey(data map[string][]byte, key string, p *field.Path) field.ErrorList {
	b, ok := data[key]
	if !ok {
		return field.ErrorList{field.Required(p.Key(key), "")}
	}
	if err := json.Unmarshal(b, &map[string]any{}); err != nil {
		return field.ErrorList{field.Invalid(p.Key(key), "<secret contents redacted>", err.Error())}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// --- PersistentVolume / PersistentVolumeClaim --------------------------------

var supportedAccessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadOnlyMany, corev1.ReadWriteMany, corev1.ReadWriteOnce, corev1.ReadWriteOncePod}

func validateAccessModes(modes []corev1.PersistentVolumeAccessMode, p *field.Path, requiredMsg string) field.ErrorList {
	var errs field.ErrorList
	if len(modes) == 0 {
		errs = append(errs, field.Required(p, requiredMsg))
	}
	rwop, other := false, false
	for _, m := range modes {
		if !contains(supportedAccessModes, m) {
			errs = append(errs, field.NotSupported(p, m, supportedAccessModes))
		}
		if m == corev1.ReadWriteOncePod {
			rwop = true
		} else {
			other = true
		}
	}
	if rwop && other {
		errs = append(errs, field.Forbidden(p, "may not use ReadWriteOncePod with other access modes"))
	}
	return errs
}

func validatePersistentVolume(pv, old *corev1.PersistentVolume) field.ErrorList {
	errs := metaErrs(pv, old, false, apivalidation.NameIsDNSSubdomain)
	specPath := field.NewPath("spec")
	errs = append(errs, validateAccessModes(pv.Spec.AccessModes, specPath.Child("accessModes"), "")...)
	capPath := specPath.Child("capacity")
	if len(pv.Spec.Capacity) == 0 {
		errs = append(errs, field.Required(capPath, ""))
	}
	if _, ok := pv.Spec.Capacity[corev1.ResourceStorage]; !ok || len(pv.Spec.Capacity) > 1 {
		errs = append(errs, field.NotSupported(capPath, pv.Spec.Capacity, []corev1.ResourceName{corev1.ResourceStorage}))
	}
	for _, n := range sortedResourceNames(pv.Spec.Capacity) {
		q := pv.Spec.Capacity[n]
		if q.Sign() <= 0 {
			errs = append(errs, field.Invalid(capPath.Key(string(n)), q.String(), positiveQuantityMsg))
		}
	}
	if pv.Spec.StorageClassName != "" {
		errs = append(errs, dns1123Subdomain(pv.Spec.StorageClassName, specPath.Child("storageClassName"))...)
	}
	switch pv.Spec.PersistentVolumeReclaimPolicy {
	case corev1.PersistentVolumeReclaimRetain, corev1.PersistentVolumeReclaimDelete, corev1.PersistentVolumeReclaimRecycle:
	default:
		errs = append(errs, field.NotSupported(specPath.Child("persistentVolumeReclaimPolicy"), pv.Spec.PersistentVolumeReclaimPolicy,
			[]corev1.PersistentVolumeReclaimPolicy{corev1.PersistentVolumeReclaimDelete, corev1.PersistentVolumeReclaimRecycle, corev1.PersistentVolumeReclaimRetain}))
	}
	src := &pv.Spec.PersistentVolumeSource
	n := 0
	if src.HostPath != nil {
		n++
		if src.HostPath.Path == "" {
			errs = append(errs, field.Required(specPath.Child("hostPath", "path"), ""))
		}
	}
	if src.NFS != nil {
		if n > 0 {
			errs = append(errs, field.Forbidden(specPath.Child("nfs"), "may not specify more than 1 volume type"))
		}
		n++
	}
	if src.Local != nil {
		if n > 0 {
			errs = append(errs, field.Forbidden(specPath.Child("local"), "may not specify more than 1 volume type"))
		}
		n++
		if src.Local.Path == "" {
			errs = append(errs, field.Required(specPath.Child("local", "path"), ""))
		}
		if pv.Spec.NodeAffinity == nil {
			errs = append(errs, field.Required(specPath.Child("nodeAffinity"), "Local volume requires node affinity"))
		}
	}
	if n == 0 && !reflect.DeepEqual(*src, corev1.PersistentVolumeSource{}) {
		n++ // a source this simulator does not model: accept it as upstream would
	}
	if n == 0 {
		errs = append(errs, field.Required(specPath, "must specify a volume type"))
	}
	if old != nil {
		if !equal.Semantic(pv.Spec.PersistentVolumeSource, old.Spec.PersistentVolumeSource) {
			errs = append(errs, field.Forbidden(specPath.Child("persistentvolumesource"), "spec.persistentvolumesource is immutable after creation\n"+
				specDiff(old.Spec.PersistentVolumeSource, pv.Spec.PersistentVolumeSource)))
		}
		errs = append(errs, immutable(pv.Spec.VolumeMode, old.Spec.VolumeMode, field.NewPath("volumeMode"))...)
	}
	return errs
}

func validatePersistentVolumeClaim(pvc, old *corev1.PersistentVolumeClaim) field.ErrorList {
	errs := metaErrs(pvc, old, true, apivalidation.NameIsDNSSubdomain)
	errs = append(errs, validatePVCSpec(&pvc.Spec, field.NewPath("spec"))...)
	if old == nil {
		return errs
	}
	newSpec, oldSpec := pvc.Spec.DeepCopy(), old.Spec.DeepCopy()
	// The binder may set volumeName once; a bound claim may grow and change
	// its attributes class. Anything else is fixed at creation.
	if oldSpec.VolumeName == "" {
		oldSpec.VolumeName = newSpec.VolumeName
	}
	if old.Spec.StorageClassName == nil && newSpec.StorageClassName != nil && old.Annotations[corev1.BetaStorageClassAnnotation] == "" {
		newSpec.StorageClassName = nil
	}
	if pvc.Status.Phase == corev1.ClaimBound && newSpec.Resources.Requests != nil {
		newSpec.Resources.Requests[corev1.ResourceStorage] = old.Spec.Resources.Requests[corev1.ResourceStorage]
	}
	if pvc.Status.Phase == corev1.ClaimBound && newSpec.VolumeAttributesClassName != nil {
		newSpec.VolumeAttributesClassName = oldSpec.VolumeAttributesClassName
	}
	if !equal.Semantic(*newSpec, *oldSpec) {
		errs = append(errs, field.Forbidden(field.NewPath("spec"), "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n"+
			specDiff(*oldSpec, *newSpec)))
	}
	newSize, oldSize := pvc.Spec.Resources.Requests[corev1.ResourceStorage], old.Spec.Resources.Requests[corev1.ResourceStorage]
	if newSize.Cmp(oldSize) < 0 {
		// RecoverVolumeExpansionFailure (GA): shrinking is allowed only down
		// to just above what was actually provisioned.
		statusSize := old.Status.Capacity[corev1.ResourceStorage]
		if newSize.Cmp(statusSize) <= 0 {
			errs = append(errs, field.Forbidden(field.NewPath("spec", "resources", "requests", "storage"), "field can not be less than status.capacity"))
		}
	}
	errs = append(errs, immutable(pvc.Spec.VolumeMode, old.Spec.VolumeMode, field.NewPath("volumeMode"))...)
	return errs
}

func validatePVCSpec(spec *corev1.PersistentVolumeClaimSpec, p *field.Path) field.ErrorList {
	errs := validateAccessModes(spec.AccessModes, p.Child("accessModes"), "at least 1 access mode is required")
	if spec.Selector != nil {
		errs = append(errs, metav1validation.ValidateLabelSelector(spec.Selector, metav1validation.LabelSelectorValidationOptions{}, p.Child("selector"))...)
	}
	storagePath := p.Child("resources").Key(string(corev1.ResourceStorage))
	if q, ok := spec.Resources.Requests[corev1.ResourceStorage]; !ok {
		errs = append(errs, field.Required(storagePath, ""))
	} else if q.Sign() <= 0 {
		errs = append(errs, field.Invalid(storagePath, q.String(), positiveQuantityMsg))
	}
	if spec.StorageClassName != nil && *spec.StorageClassName != "" {
		errs = append(errs, dns1123Subdomain(*spec.StorageClassName, p.Child("storageClassName"))...)
	}
	if spec.VolumeMode != nil && *spec.VolumeMode != corev1.PersistentVolumeBlock && *spec.VolumeMode != corev1.PersistentVolumeFilesystem {
		errs = append(errs, field.NotSupported(p.Child("volumeMode"), *spec.VolumeMode, []corev1.PersistentVolumeMode{corev1.PersistentVolumeBlock, corev1.PersistentVolumeFilesystem}))
	}
	return errs
}

// --- ReplicationController ---------------------------------------------------

func validateReplicationController(rc, old *corev1.ReplicationController) field.ErrorList {
	errs := metaErrs(rc, old, true, apivalidation.NameIsDNSSubdomain)
	specPath := field.NewPath("spec")
	errs = append(errs, nonNegative32(rc.Spec.MinReadySeconds, specPath.Child("minReadySeconds"))...)
	if len(rc.Spec.Selector) == 0 {
		errs = append(errs, field.Required(specPath.Child("selector"), ""))
	} else {
		errs = append(errs, metav1validation.ValidateLabels(rc.Spec.Selector, specPath.Child("selector"))...)
	}
	replicas := int32(1)
	if rc.Spec.Replicas != nil {
		replicas = *rc.Spec.Replicas
	}
	errs = append(errs, nonNegative32(replicas, specPath.Child("replicas"))...)
	tp := specPath.Child("template")
	if rc.Spec.Template == nil {
		return append(errs, field.Required(tp, ""))
	}
	sel := labels.Set(rc.Spec.Selector).AsSelector()
	if !sel.Empty() && !sel.Matches(labels.Set(rc.Spec.Template.Labels)) {
		errs = append(errs, field.Invalid(tp.Child("metadata", "labels"), rc.Spec.Template.Labels, "`selector` does not match template `labels`"))
	}
	errs = append(errs, validatePodTemplateSpec(rc.Spec.Template, tp)...)
	if rc.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyAlways {
		errs = append(errs, field.NotSupported(tp.Child("spec", "restartPolicy"), rc.Spec.Template.Spec.RestartPolicy, []corev1.RestartPolicy{corev1.RestartPolicyAlways}))
	}
	if rc.Spec.Template.Spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, field.Forbidden(tp.Child("spec", "activeDeadlineSeconds"), "activeDeadlineSeconds in ReplicationController is not Supported"))
	}
	return errs
}

// --- ResourceQuota / LimitRange ----------------------------------------------

var standardQuotaResources = sets.New[string](
	"pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps",
	"persistentvolumeclaims", "services.nodeports", "services.loadbalancers",
	"cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.storage",
	"requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage",
)

// integerQuotaResources are object counts, which cannot be fractional.
var integerQuotaResources = sets.New[string]("pods", "services", "replicationcontrollers", "resourcequotas", "secrets",
	"configmaps", "persistentvolumeclaims", "services.nodeports", "services.loadbalancers")

func validateResourceQuotaSpec(q *corev1.ResourceQuota) field.ErrorList {
	var errs field.ErrorList
	hardPath := field.NewPath("spec", "hard")
	for _, n := range sortedResourceNames(q.Spec.Hard) {
		v := q.Spec.Hard[n]
		rp := hardPath.Key(string(n))
		name := string(n)
		for _, msg := range validation.IsQualifiedName(name) {
			errs = append(errs, field.Invalid(rp, n, msg))
		}
		if !strings.Contains(name, "/") && !standardQuotaResources.Has(name) &&
			!strings.HasPrefix(name, corev1.ResourceHugePagesPrefix) && !strings.HasPrefix(name, corev1.ResourceRequestsHugePagesPrefix) {
			errs = append(errs, field.Invalid(rp, n, "must be a standard resource for quota"))
		}
		if v.Sign() < 0 {
			errs = append(errs, field.Invalid(rp, v.String(), apivalidation.IsNegativeErrorMsg))
		}
		if (integerQuotaResources.Has(name) || strings.HasPrefix(name, "count/")) && v.MilliValue()%1000 != 0 {
			errs = append(errs, field.Invalid(rp, v, "must be an integer"))
		}
	}
	scopes := []corev1.ResourceQuotaScope{corev1.ResourceQuotaScopeBestEffort, corev1.ResourceQuotaScopeCrossNamespacePodAffinity,
		corev1.ResourceQuotaScopeNotBestEffort, corev1.ResourceQuotaScopeNotTerminating, corev1.ResourceQuotaScopePriorityClass,
		corev1.ResourceQuotaScopeTerminating, corev1.ResourceQuotaScopeVolumeAttributesClass}
	for _, s := range q.Spec.Scopes {
		if !contains(scopes, s) {
			errs = append(errs, field.Invalid(field.NewPath("spec", "scopes"), s, "unsupported scope"))
		}
	}
	return errs
}

func validateLimitRangeSpec(lr *corev1.LimitRange) field.ErrorList {
	var errs field.ErrorList
	types := map[corev1.LimitType]bool{}
	base := field.NewPath("spec", "limits")
	for i := range lr.Spec.Limits {
		item := &lr.Spec.Limits[i]
		idx := base.Index(i)
		if item.Type == "" {
			errs = append(errs, field.Required(idx.Child("type"), ""))
		}
		if types[item.Type] {
			errs = append(errs, field.Duplicate(idx.Child("type"), item.Type))
		}
		types[item.Type] = true
		keys := sets.New[corev1.ResourceName]()
		checkNames := func(child string, l corev1.ResourceList) {
			for _, n := range sortedResourceNames(l) {
				if item.Type == corev1.LimitTypeContainer || item.Type == corev1.LimitTypePod {
					errs = append(errs, validateContainerResourceName(n, idx.Child(child).Key(string(n)))...)
				}
				keys.Insert(n)
			}
		}
		checkNames("max", item.Max)
		checkNames("min", item.Min)
		if item.Type == corev1.LimitTypePod {
			if len(item.Default) > 0 {
				errs = append(errs, field.Forbidden(idx.Child("default"), "may not be specified when `type` is 'Pod'"))
			}
			if len(item.DefaultRequest) > 0 {
				errs = append(errs, field.Forbidden(idx.Child("defaultRequest"), "may not be specified when `type` is 'Pod'"))
			}
		} else {
			checkNames("default", item.Default)
			checkNames("defaultRequest", item.DefaultRequest)
		}
		if item.Type == corev1.LimitTypePersistentVolumeClaim {
			_, hasMin := item.Min[corev1.ResourceStorage]
			_, hasMax := item.Max[corev1.ResourceStorage]
			if !hasMin && !hasMax {
				errs = append(errs, field.Required(idx.Child("limits"), "either minimum or maximum storage value is required, but neither was provided"))
			}
		}
		checkNames("maxLimitRequestRatio", item.MaxLimitRequestRatio)
		for _, k := range sets.List(keys) {
			min, hasMin := item.Min[k]
			max, hasMax := item.Max[k]
			def, hasDef := item.Default[k]
			defReq, hasDefReq := item.DefaultRequest[k]
			ratio, hasRatio := item.MaxLimitRequestRatio[k]
			if item.Type == corev1.LimitTypePod {
				hasDef, hasDefReq = false, false
			}
			key := string(k)
			if hasMin && hasMax && min.Cmp(max) > 0 {
				errs = append(errs, field.Invalid(idx.Child("min").Key(key), min, errf("min value %s is greater than max value %s", min.String(), max.String())))
			}
			if hasDefReq && hasMin && min.Cmp(defReq) > 0 {
				errs = append(errs, field.Invalid(idx.Child("defaultRequest").Key(key), defReq, errf("min value %s is greater than default request value %s", min.String(), defReq.String())))
			}
			if hasDefReq && hasMax && defReq.Cmp(max) > 0 {
				errs = append(errs, field.Invalid(idx.Child("defaultRequest").Key(key), defReq, errf("default request value %s is greater than max value %s", defReq.String(), max.String())))
			}
			if hasDefReq && hasDef && defReq.Cmp(def) > 0 {
				errs = append(errs, field.Invalid(idx.Child("defaultRequest").Key(key), defReq, errf("default request value %s is greater than default limit value %s", defReq.String(), def.String())))
			}
			if hasDef && hasMin && min.Cmp(def) > 0 {
				errs = append(errs, field.Invalid(idx.Child("default").Key(key), min, errf("min value %s is greater than default value %s", min.String(), def.String())))
			}
			if hasDef && hasMax && def.Cmp(max) > 0 {
				errs = append(errs, field.Invalid(idx.Child("default").Key(key), max, errf("default value %s is greater than max value %s", def.String(), max.String())))
			}
			if hasRatio && ratio.Cmp(*resource.NewQuantity(1, resource.DecimalSI)) < 0 {
				errs = append(errs, field.Invalid(idx.Child("maxLimitRequestRatio").Key(key), ratio, errf("ratio %s is less than 1", ratio.String())))
			}
			if hasRatio && hasMin && hasMax {
				r, lo, hi := float64(ratio.Value()), min.Value(), max.Value()
				if ratio.Value() < resource.MaxMilliValue && lo < resource.MaxMilliValue && hi < resource.MaxMilliValue {
					r, lo, hi = float64(ratio.MilliValue())/1000, min.MilliValue(), max.MilliValue()
				}
				if limit := float64(hi) / float64(lo); r > limit {
					errs = append(errs, field.Invalid(idx.Child("maxLimitRequestRatio").Key(key), ratio, errf("ratio %s is greater than max/min = %f", ratio.String(), limit)))
				}
			}
		}
	}
	return errs
}
