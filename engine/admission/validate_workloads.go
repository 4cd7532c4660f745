package admission

import (
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"kubetour/engine/equal"
)

// Validation of apps/v1, batch/v1 and autoscaling kinds
// (pkg/apis/apps/validation, pkg/apis/batch/validation,
// pkg/apis/autoscaling/validation and the strategies' ValidateUpdate).

func replicasOf(p *int32) int32 {
	if p == nil {
		return 1
	}
	return *p
}

// validateSelectorAndTemplate is the part ReplicaSet and Deployment share:
// a required, non-empty selector that the template's labels satisfy, and a
// template whose pods may only restart Always.
func validateSelectorAndTemplate(sel *metav1.LabelSelector, t *corev1.PodTemplateSpec, specPath *field.Path, kindForEmpty, kindForDeadline string) field.ErrorList {
	var errs field.ErrorList
	selPath := specPath.Child("selector")
	if sel == nil {
		errs = append(errs, field.Required(selPath, ""))
	} else {
		errs = append(errs, metav1validation.ValidateLabelSelector(sel, metav1validation.LabelSelectorValidationOptions{}, selPath)...)
		if len(sel.MatchLabels)+len(sel.MatchExpressions) == 0 {
			errs = append(errs, field.Invalid(selPath, sel, "empty selector is invalid for "+kindForEmpty))
		}
	}
	selector, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return append(errs, field.Invalid(selPath, sel, "invalid label selector"))
	}
	tp := specPath.Child("template")
	if !selector.Empty() && !selector.Matches(labels.Set(t.Labels)) {
		errs = append(errs, field.Invalid(tp.Child("metadata", "labels"), t.Labels, "`selector` does not match template `labels`"))
	}
	errs = append(errs, validatePodTemplateSpec(t, tp)...)
	if t.Spec.RestartPolicy != corev1.RestartPolicyAlways {
		errs = append(errs, field.NotSupported(tp.Child("spec", "restartPolicy"), t.Spec.RestartPolicy, []corev1.RestartPolicy{corev1.RestartPolicyAlways}))
	}
	if t.Spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, field.Forbidden(tp.Child("spec", "activeDeadlineSeconds"), "activeDeadlineSeconds in "+kindForDeadline+" is not Supported"))
	}
	return errs
}

// selectorImmutable is what the apps/v1 strategies append after the spec
// rules: the selector cannot change once set.
func selectorImmutable(n, o *metav1.LabelSelector) field.ErrorList {
	return immutable(n, o, field.NewPath("spec", "selector"))
}

func validateDeployment(d, old *appsv1.Deployment) field.ErrorList {
	errs := metaErrs(d, old, true, apivalidation.NameIsDNSSubdomain)
	sp := field.NewPath("spec")
	errs = append(errs, nonNegative32(replicasOf(d.Spec.Replicas), sp.Child("replicas"))...)
	errs = append(errs, validateSelectorAndTemplate(d.Spec.Selector, &d.Spec.Template, sp, "deployment", "ReplicaSet")...)
	errs = append(errs, validateDeploymentStrategy(&d.Spec.Strategy, sp.Child("strategy"))...)
	errs = append(errs, nonNegative32(d.Spec.MinReadySeconds, sp.Child("minReadySeconds"))...)
	if d.Spec.RevisionHistoryLimit != nil {
		errs = append(errs, nonNegative32(*d.Spec.RevisionHistoryLimit, sp.Child("revisionHistoryLimit"))...)
	}
	if pds := d.Spec.ProgressDeadlineSeconds; pds != nil {
		errs = append(errs, nonNegative32(*pds, sp.Child("progressDeadlineSeconds"))...)
		if *pds <= d.Spec.MinReadySeconds {
			errs = append(errs, field.Invalid(sp.Child("progressDeadlineSeconds"), pds, "must be greater than minReadySeconds"))
		}
	}
	if old != nil {
		errs = append(errs, selectorImmutable(d.Spec.Selector, old.Spec.Selector)...)
	}
	return errs
}

func validateDeploymentStrategy(s *appsv1.DeploymentStrategy, p *field.Path) field.ErrorList {
	switch s.Type {
	case appsv1.RecreateDeploymentStrategyType:
		if s.RollingUpdate != nil {
			return field.ErrorList{field.Forbidden(p.Child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'")}
		}
	case appsv1.RollingUpdateDeploymentStrategyType:
		if s.RollingUpdate == nil {
			return field.ErrorList{field.Required(p.Child("rollingUpdate"), "this should be defaulted and never be nil")}
		}
		rp := p.Child("rollingUpdate")
		mu, ms := intOrZero(s.RollingUpdate.MaxUnavailable), intOrZero(s.RollingUpdate.MaxSurge)
		errs := validatePositiveIntOrPercent(mu, rp.Child("maxUnavailable"))
		errs = append(errs, validatePositiveIntOrPercent(ms, rp.Child("maxSurge"))...)
		if intOrPercentValue(mu) == 0 && intOrPercentValue(ms) == 0 {
			errs = append(errs, field.Invalid(rp.Child("maxUnavailable"), mu, "may not be 0 when `maxSurge` is 0"))
		}
		errs = append(errs, notMoreThan100Percent(mu, rp.Child("maxUnavailable"))...)
		return errs
	default:
		return field.ErrorList{field.NotSupported(p, internalJSON{*s}, []appsv1.DeploymentStrategyType{appsv1.RecreateDeploymentStrategyType, appsv1.RollingUpdateDeploymentStrategyType})}
	}
	return nil
}

func intOrZero(p *intstr.IntOrString) intstr.IntOrString {
	if p == nil {
		return intstr.FromInt32(0)
	}
	return *p
}

func intOrPercentValue(v intstr.IntOrString) int {
	if v.Type == intstr.Int {
		return v.IntValue()
	}
	n, _ := strconv.Atoi(strings.TrimSuffix(v.StrVal, "%"))
	return n
}

func validatePositiveIntOrPercent(v intstr.IntOrString, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if v.Type == intstr.String {
		for _, msg := range validation.IsValidPercent(v.StrVal) {
			errs = append(errs, field.Invalid(p, v, msg))
		}
		return errs
	}
	return apivalidation.ValidateNonnegativeField(int64(v.IntValue()), p)
}

func notMoreThan100Percent(v intstr.IntOrString, p *field.Path) field.ErrorList {
	if v.Type != intstr.String || len(validation.IsValidPercent(v.StrVal)) != 0 {
		return nil
	}
	if intOrPercentValue(v) > 100 {
		return field.ErrorList{field.Invalid(p, v, "must not be greater than 100%")}
	}
	return nil
}

func validateReplicaSet(rs, old *appsv1.ReplicaSet) field.ErrorList {
	errs := metaErrs(rs, old, true, apivalidation.NameIsDNSSubdomain)
	sp := field.NewPath("spec")
	errs = append(errs, nonNegative32(replicasOf(rs.Spec.Replicas), sp.Child("replicas"))...)
	errs = append(errs, nonNegative32(rs.Spec.MinReadySeconds, sp.Child("minReadySeconds"))...)
	// "for deployment" is upstream's wording for ReplicaSets too.
	errs = append(errs, validateSelectorAndTemplate(rs.Spec.Selector, &rs.Spec.Template, sp, "deployment", "ReplicaSet")...)
	if old != nil {
		errs = append(errs, selectorImmutable(rs.Spec.Selector, old.Spec.Selector)...)
	}
	return errs
}

func validateDaemonSet(ds, old *appsv1.DaemonSet) field.ErrorList {
	errs := metaErrs(ds, old, true, apivalidation.NameIsDNSSubdomain)
	sp := field.NewPath("spec")
	tp := sp.Child("template")
	errs = append(errs, metav1validation.ValidateLabelSelector(ds.Spec.Selector, metav1validation.LabelSelectorValidationOptions{}, sp.Child("selector"))...)
	if selector, err := metav1.LabelSelectorAsSelector(ds.Spec.Selector); err == nil && !selector.Matches(labels.Set(ds.Spec.Template.Labels)) {
		errs = append(errs, field.Invalid(tp.Child("metadata", "labels"), ds.Spec.Template.Labels, "`selector` does not match template `labels`"))
	}
	if ds.Spec.Selector != nil && len(ds.Spec.Selector.MatchLabels)+len(ds.Spec.Selector.MatchExpressions) == 0 {
		errs = append(errs, field.Invalid(sp.Child("selector"), ds.Spec.Selector, "empty selector is invalid for daemonset"))
	}
	errs = append(errs, validatePodTemplateSpec(&ds.Spec.Template, tp)...)
	if ds.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyAlways {
		errs = append(errs, field.NotSupported(tp.Child("spec", "restartPolicy"), ds.Spec.Template.Spec.RestartPolicy, []corev1.RestartPolicy{corev1.RestartPolicyAlways}))
	}
	if ds.Spec.Template.Spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, field.Forbidden(tp.Child("spec", "activeDeadlineSeconds"), "activeDeadlineSeconds in DaemonSet is not Supported"))
	}
	errs = append(errs, nonNegative32(ds.Spec.MinReadySeconds, sp.Child("minReadySeconds"))...)
	errs = append(errs, validateDaemonSetUpdateStrategy(&ds.Spec.UpdateStrategy, sp.Child("updateStrategy"))...)
	if ds.Spec.RevisionHistoryLimit != nil {
		errs = append(errs, nonNegative32(*ds.Spec.RevisionHistoryLimit, sp.Child("revisionHistoryLimit"))...)
	}
	if old != nil {
		errs = append(errs, selectorImmutable(ds.Spec.Selector, old.Spec.Selector)...)
	}
	return errs
}

func validateDaemonSetUpdateStrategy(s *appsv1.DaemonSetUpdateStrategy, p *field.Path) field.ErrorList {
	switch s.Type {
	case appsv1.OnDeleteDaemonSetStrategyType:
		return nil
	case appsv1.RollingUpdateDaemonSetStrategyType:
		if s.RollingUpdate == nil {
			return field.ErrorList{field.Required(p.Child("rollingUpdate"), "")}
		}
		rp := p.Child("rollingUpdate")
		mu, ms := intOrZero(s.RollingUpdate.MaxUnavailable), intOrZero(s.RollingUpdate.MaxSurge)
		errs := validatePositiveIntOrPercent(mu, rp.Child("maxUnavailable"))
		errs = append(errs, validatePositiveIntOrPercent(ms, rp.Child("maxSurge"))...)
		errs = append(errs, notMoreThan100Percent(mu, rp.Child("maxUnavailable"))...)
		errs = append(errs, notMoreThan100Percent(ms, rp.Child("maxSurge"))...)
		hasU, hasS := intOrPercentValue(mu) != 0, intOrPercentValue(ms) != 0
		switch {
		case hasU && hasS:
			errs = append(errs, field.Invalid(rp.Child("maxSurge"), ms, "may not be set when maxUnavailable is non-zero"))
		case !hasU && !hasS:
			errs = append(errs, field.Required(rp.Child("maxUnavailable"), "cannot be 0 when maxSurge is 0"))
		}
		return errs
	}
	return field.ErrorList{field.NotSupported(p, internalJSON{*s}, []string{string(appsv1.RollingUpdateDaemonSetStrategyType), string(appsv1.OnDeleteDaemonSetStrategyType)})}
}

func validateStatefulSet(ss, old *appsv1.StatefulSet) field.ErrorList {
	errs := metaErrs(ss, old, true, apivalidation.NameIsDNSSubdomain)
	sp := field.NewPath("spec")
	switch ss.Spec.PodManagementPolicy {
	case "":
		errs = append(errs, field.Required(sp.Child("podManagementPolicy"), ""))
	case appsv1.OrderedReadyPodManagement, appsv1.ParallelPodManagement:
	default:
		errs = append(errs, field.Invalid(sp.Child("podManagementPolicy"), ss.Spec.PodManagementPolicy, "must be 'OrderedReady' or 'Parallel'"))
	}
	switch ss.Spec.UpdateStrategy.Type {
	case "":
		errs = append(errs, field.Required(sp.Child("updateStrategy"), ""))
	case appsv1.OnDeleteStatefulSetStrategyType:
		if ss.Spec.UpdateStrategy.RollingUpdate != nil {
			errs = append(errs, field.Invalid(sp.Child("updateStrategy", "rollingUpdate"), internalJSON{*ss.Spec.UpdateStrategy.RollingUpdate}, "only allowed for updateStrategy 'RollingUpdate'"))
		}
	case appsv1.RollingUpdateStatefulSetStrategyType:
		if ru := ss.Spec.UpdateStrategy.RollingUpdate; ru != nil && ru.Partition != nil {
			errs = append(errs, nonNegative32(*ru.Partition, sp.Child("updateStrategy", "rollingUpdate", "partition"))...)
		}
	default:
		errs = append(errs, field.Invalid(sp.Child("updateStrategy"), internalJSON{ss.Spec.UpdateStrategy}, "must be 'RollingUpdate' or 'OnDelete'"))
	}
	errs = append(errs, nonNegative32(replicasOf(ss.Spec.Replicas), sp.Child("replicas"))...)
	errs = append(errs, nonNegative32(ss.Spec.MinReadySeconds, sp.Child("minReadySeconds"))...)
	selPath := sp.Child("selector")
	if ss.Spec.Selector == nil {
		errs = append(errs, field.Required(selPath, ""))
	} else {
		errs = append(errs, metav1validation.ValidateLabelSelector(ss.Spec.Selector, metav1validation.LabelSelectorValidationOptions{}, selPath)...)
		if len(ss.Spec.Selector.MatchLabels)+len(ss.Spec.Selector.MatchExpressions) == 0 {
			errs = append(errs, field.Invalid(selPath, ss.Spec.Selector, "empty selector is invalid for statefulset"))
		}
	}
	tp := sp.Child("template")
	if selector, err := metav1.LabelSelectorAsSelector(ss.Spec.Selector); err != nil {
		errs = append(errs, field.Invalid(selPath, ss.Spec.Selector, ""))
	} else {
		if !selector.Empty() && !selector.Matches(labels.Set(ss.Spec.Template.Labels)) {
			errs = append(errs, field.Invalid(tp.Child("metadata", "labels"), ss.Spec.Template.Labels, "`selector` does not match template `labels`"))
		}
		// Upstream checks only the template's labels and annotations here;
		// a broken pod spec surfaces when the controller creates the pods.
		errs = append(errs, metav1validation.ValidateLabels(ss.Spec.Template.Labels, tp.Child("labels"))...)
		errs = append(errs, apivalidation.ValidateAnnotations(ss.Spec.Template.Annotations, tp.Child("annotations"))...)
	}
	if ss.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyAlways {
		errs = append(errs, field.NotSupported(tp.Child("spec", "restartPolicy"), ss.Spec.Template.Spec.RestartPolicy, []corev1.RestartPolicy{corev1.RestartPolicyAlways}))
	}
	if ss.Spec.Template.Spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, field.Forbidden(tp.Child("spec", "activeDeadlineSeconds"), "activeDeadlineSeconds in StatefulSet is not Supported"))
	}
	if old != nil {
		c := ss.Spec.DeepCopy()
		c.Replicas = old.Spec.Replicas
		c.Template = old.Spec.Template
		c.UpdateStrategy = old.Spec.UpdateStrategy
		c.MinReadySeconds = old.Spec.MinReadySeconds
		c.Ordinals = old.Spec.Ordinals
		c.RevisionHistoryLimit = old.Spec.RevisionHistoryLimit
		c.PersistentVolumeClaimRetentionPolicy = old.Spec.PersistentVolumeClaimRetentionPolicy
		if !equal.Semantic(*c, old.Spec) {
			errs = append(errs, field.Forbidden(sp, "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"))
		}
	}
	return errs
}

// --- Job / CronJob -----------------------------------------------------------

func validateJob(j, old *batchv1.Job) field.ErrorList {
	sp := field.NewPath("spec")
	var errs field.ErrorList
	if old != nil {
		errs = validateMetaUpdate(j, old)
	} else {
		errs = validateMeta(&j.ObjectMeta, true, apivalidation.NameIsDNSSubdomain)
		errs = append(errs, validateGeneratedSelector(j)...)
	}
	errs = append(errs, validateJobSpec(&j.Spec, sp)...)
	if j.Spec.Selector == nil {
		errs = append(errs, field.Required(sp.Child("selector"), ""))
	} else {
		errs = append(errs, metav1validation.ValidateLabelSelector(j.Spec.Selector, metav1validation.LabelSelectorValidationOptions{}, sp.Child("selector"))...)
	}
	if selector, err := metav1.LabelSelectorAsSelector(j.Spec.Selector); err == nil && !selector.Empty() && !selector.Matches(labels.Set(j.Spec.Template.Labels)) {
		errs = append(errs, field.Invalid(sp.Child("template", "metadata", "labels"), j.Spec.Template.Labels, "`selector` does not match template `labels`"))
	}
	if old == nil {
		if j.Spec.CompletionMode != nil && *j.Spec.CompletionMode == batchv1.IndexedCompletion && j.Spec.Completions != nil && *j.Spec.Completions > 0 {
			host := j.Name + "-" + strconv.Itoa(int(*j.Spec.Completions-1))
			if len(validation.IsDNS1123Label(host)) > 0 {
				errs = append(errs, field.Invalid(field.NewPath("metadata", "name"), j.Name, "will not able to create pod with invalid DNS label: "+host))
			}
		}
		return errs
	}
	// Once created, a Job's pods are fixed: the template and the shape of
	// the work cannot change (parallelism, suspend, activeDeadlineSeconds can).
	errs = append(errs, immutable(j.Spec.Completions, old.Spec.Completions, sp.Child("completions"))...)
	errs = append(errs, immutable(j.Spec.Selector, old.Spec.Selector, sp.Child("selector"))...)
	if !equal.Semantic(j.Spec.Template, old.Spec.Template) {
		errs = append(errs, field.Invalid(sp.Child("template"), internalJSON{j.Spec.Template}, apivalidation.FieldImmutableErrorMsg))
	}
	errs = append(errs, immutable(j.Spec.CompletionMode, old.Spec.CompletionMode, sp.Child("completionMode"))...)
	errs = append(errs, immutable(j.Spec.PodFailurePolicy, old.Spec.PodFailurePolicy, sp.Child("podFailurePolicy"))...)
	errs = append(errs, immutable(j.Spec.BackoffLimitPerIndex, old.Spec.BackoffLimitPerIndex, sp.Child("backoffLimitPerIndex"))...)
	return errs
}

// validateGeneratedSelector checks that the selector and labels the Job
// strategy generated are still in place (a user who set controller-uid or
// a selector of their own without manualSelector lands here).
func validateGeneratedSelector(j *batchv1.Job) field.ErrorList {
	if j.Spec.ManualSelector != nil && *j.Spec.ManualSelector {
		return nil
	}
	if j.Spec.Selector == nil {
		return nil
	}
	var errs field.ErrorList
	if j.UID == "" {
		errs = append(errs, field.Required(field.NewPath("metadata", "uid"), ""))
	}
	tmPath := field.NewPath("spec", "template", "metadata")
	errs = append(errs, hasLabel(j.Spec.Template.ObjectMeta, tmPath, legacyControllerUIDLabel, string(j.UID))...)
	errs = append(errs, hasLabel(j.Spec.Template.ObjectMeta, tmPath, legacyJobNameLabel, j.Name)...)
	errs = append(errs, hasLabel(j.Spec.Template.ObjectMeta, tmPath, batchv1.ControllerUidLabel, string(j.UID))...)
	errs = append(errs, hasLabel(j.Spec.Template.ObjectMeta, tmPath, batchv1.JobNameLabel, j.Name)...)
	expected := labels.Set{batchv1.ControllerUidLabel: string(j.UID), legacyControllerUIDLabel: string(j.UID)}
	if selector, err := metav1.LabelSelectorAsSelector(j.Spec.Selector); err == nil && !selector.Matches(expected) {
		errs = append(errs, field.Invalid(field.NewPath("spec", "selector"), j.Spec.Selector, "`selector` not auto-generated"))
	}
	return errs
}

func hasLabel(m metav1.ObjectMeta, p *field.Path, key, want string) field.ErrorList {
	got, ok := m.Labels[key]
	if !ok {
		return field.ErrorList{field.Required(p.Child("labels").Key(key), want)}
	}
	if got != want {
		return field.ErrorList{field.Invalid(p.Child("labels").Key(key), m.Labels, "must be '"+want+"'")}
	}
	return nil
}

func validateJobSpec(s *batchv1.JobSpec, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if s.Parallelism != nil {
		errs = append(errs, nonNegative32(*s.Parallelism, p.Child("parallelism"))...)
	}
	if s.Completions != nil {
		errs = append(errs, nonNegative32(*s.Completions, p.Child("completions"))...)
	}
	if s.ActiveDeadlineSeconds != nil {
		errs = append(errs, apivalidation.ValidateNonnegativeField(*s.ActiveDeadlineSeconds, p.Child("activeDeadlineSeconds"))...)
	}
	if s.BackoffLimit != nil {
		errs = append(errs, nonNegative32(*s.BackoffLimit, p.Child("backoffLimit"))...)
	}
	if s.TTLSecondsAfterFinished != nil {
		errs = append(errs, nonNegative32(*s.TTLSecondsAfterFinished, p.Child("ttlSecondsAfterFinished"))...)
	}
	if s.CompletionMode != nil {
		if *s.CompletionMode != batchv1.NonIndexedCompletion && *s.CompletionMode != batchv1.IndexedCompletion {
			errs = append(errs, field.NotSupported(p.Child("completionMode"), s.CompletionMode, []batchv1.CompletionMode{batchv1.NonIndexedCompletion, batchv1.IndexedCompletion}))
		}
		if *s.CompletionMode == batchv1.IndexedCompletion && s.Completions == nil {
			errs = append(errs, field.Required(p.Child("completions"), "when completion mode is Indexed"))
		}
	}
	tp := p.Child("template")
	errs = append(errs, validatePodTemplateSpec(&s.Template, tp)...)
	// Always (the pod default) makes no sense for a task that must finish,
	// and upstream words it as a missing choice.
	rp := s.Template.Spec.RestartPolicy
	switch {
	case rp == corev1.RestartPolicyAlways || rp == "":
		errs = append(errs, field.Required(tp.Child("spec", "restartPolicy"), `valid values: "OnFailure", "Never"`))
	case rp != corev1.RestartPolicyOnFailure && rp != corev1.RestartPolicyNever:
		errs = append(errs, field.NotSupported(tp.Child("spec", "restartPolicy"), rp, []corev1.RestartPolicy{corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever}))
	case s.PodFailurePolicy != nil && rp != corev1.RestartPolicyNever:
		errs = append(errs, field.Invalid(tp.Child("spec", "restartPolicy"), rp, `only "Never" is supported when podFailurePolicy is specified`))
	}
	if s.PodReplacementPolicy != nil && *s.PodReplacementPolicy != batchv1.TerminatingOrFailed && *s.PodReplacementPolicy != batchv1.Failed {
		errs = append(errs, field.NotSupported(p.Child("podReplacementPolicy"), *s.PodReplacementPolicy, []batchv1.PodReplacementPolicy{batchv1.Failed, batchv1.TerminatingOrFailed}))
	}
	return errs
}

func validateCronJob(cj, old *batchv1.CronJob) field.ErrorList {
	errs := metaErrs(cj, old, true, apivalidation.NameIsDNSSubdomain)
	sp := field.NewPath("spec")
	var oldSpec *batchv1.CronJobSpec
	if old != nil {
		oldSpec = &old.Spec
	}
	if cj.Spec.Schedule == "" {
		errs = append(errs, field.Required(sp.Child("schedule"), ""))
	} else {
		allowTZ := oldSpec != nil && strings.Contains(oldSpec.Schedule, "TZ")
		if err := parseCronSchedule(cj.Spec.Schedule); err != nil {
			errs = append(errs, field.Invalid(sp.Child("schedule"), cj.Spec.Schedule, err.Error()))
		}
		switch {
		case allowTZ && strings.Contains(cj.Spec.Schedule, "TZ") && cj.Spec.TimeZone != nil:
			errs = append(errs, field.Invalid(sp.Child("schedule"), cj.Spec.Schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"))
		case !allowTZ && strings.Contains(cj.Spec.Schedule, "TZ"):
			errs = append(errs, field.Invalid(sp.Child("schedule"), cj.Spec.Schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"))
		}
	}
	if cj.Spec.StartingDeadlineSeconds != nil {
		errs = append(errs, apivalidation.ValidateNonnegativeField(*cj.Spec.StartingDeadlineSeconds, sp.Child("startingDeadlineSeconds"))...)
	}
	if oldSpec == nil || !equal.Semantic(oldSpec.TimeZone, cj.Spec.TimeZone) {
		errs = append(errs, validateTimeZone(cj.Spec.TimeZone, sp.Child("timeZone"))...)
	}
	switch cj.Spec.ConcurrencyPolicy {
	case batchv1.AllowConcurrent, batchv1.ForbidConcurrent, batchv1.ReplaceConcurrent:
	case "":
		errs = append(errs, field.Required(sp.Child("concurrencyPolicy"), ""))
	default:
		errs = append(errs, field.NotSupported(sp.Child("concurrencyPolicy"), cj.Spec.ConcurrencyPolicy,
			[]batchv1.ConcurrencyPolicy{batchv1.AllowConcurrent, batchv1.ForbidConcurrent, batchv1.ReplaceConcurrent}))
	}
	jt := sp.Child("jobTemplate")
	errs = append(errs, validateJobSpec(&cj.Spec.JobTemplate.Spec, jt.Child("spec"))...)
	if cj.Spec.JobTemplate.Spec.Selector != nil {
		errs = append(errs, field.Invalid(jt.Child("spec", "selector"), cj.Spec.JobTemplate.Spec.Selector, "`selector` will be auto-generated"))
	}
	if ms := cj.Spec.JobTemplate.Spec.ManualSelector; ms != nil && *ms {
		errs = append(errs, field.NotSupported(jt.Child("spec", "manualSelector"), ms, []string{"nil", "false"}))
	}
	if cj.Spec.SuccessfulJobsHistoryLimit != nil {
		errs = append(errs, nonNegative32(*cj.Spec.SuccessfulJobsHistoryLimit, sp.Child("successfulJobsHistoryLimit"))...)
	}
	if cj.Spec.FailedJobsHistoryLimit != nil {
		errs = append(errs, nonNegative32(*cj.Spec.FailedJobsHistoryLimit, sp.Child("failedJobsHistoryLimit"))...)
	}
	// The controller names Jobs <cronjob>-<minutes since epoch>: 11 more
	// characters that must still fit a 63-character label.
	if old == nil && len(cj.Name) > validation.DNS1035LabelMaxLength-11 {
		errs = append(errs, field.Invalid(field.NewPath("metadata", "name"), cj.Name, "must be no more than 52 characters"))
	}
	return errs
}

func validateTimeZone(tz *string, p *field.Path) field.ErrorList {
	if tz == nil {
		return nil
	}
	if *tz == "" {
		return field.ErrorList{field.Invalid(p, tz, "timeZone must be nil or non-empty string")}
	}
	for _, part := range strings.Split(*tz, "/") {
		if part == "." || part == ".." || strings.HasPrefix(part, "-") || strings.ContainsFunc(part, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '+' || r == '.')
		}) {
			return field.ErrorList{field.Invalid(p, tz, "unknown time zone "+*tz)}
		}
	}
	var errs field.ErrorList
	if strings.EqualFold(*tz, "Local") {
		errs = append(errs, field.Invalid(p, tz, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"))
	}
	if _, err := time.LoadLocation(*tz); err != nil {
		errs = append(errs, field.Invalid(p, tz, err.Error()))
	}
	return errs
}

// --- HorizontalPodAutoscaler -------------------------------------------------

func validateScaleTargetRef(kind, name string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if kind == "" {
		errs = append(errs, field.Required(p.Child("kind"), ""))
	} else if strings.ContainsAny(kind, "/%") || kind == "." || kind == ".." {
		errs = append(errs, field.Invalid(p.Child("kind"), kind, "may not contain '/' or '%' and may not be '.' or '..'"))
	}
	if name == "" {
		errs = append(errs, field.Required(p.Child("name"), ""))
	} else if strings.ContainsAny(name, "/%") || name == "." || name == ".." {
		errs = append(errs, field.Invalid(p.Child("name"), name, "may not contain '/' or '%' and may not be '.' or '..'"))
	}
	return errs
}

func validateReplicaBounds(min *int32, max int32, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if min != nil && *min < 1 {
		errs = append(errs, field.Invalid(p.Child("minReplicas"), *min, "must be greater than or equal to 1"))
	}
	if max < 1 {
		errs = append(errs, field.Invalid(p.Child("maxReplicas"), max, "must be greater than 0"))
	}
	if min != nil && max < *min {
		errs = append(errs, field.Invalid(p.Child("maxReplicas"), max, "must be greater than or equal to `minReplicas`"))
	}
	return errs
}

func validateHPAv2Spec(h *autoscalingv2.HorizontalPodAutoscaler) field.ErrorList {
	sp := field.NewPath("spec")
	errs := validateReplicaBounds(h.Spec.MinReplicas, h.Spec.MaxReplicas, sp)
	errs = append(errs, validateScaleTargetRef(h.Spec.ScaleTargetRef.Kind, h.Spec.ScaleTargetRef.Name, sp.Child("scaleTargetRef"))...)
	for i, m := range h.Spec.Metrics {
		mp := sp.Child("metrics").Index(i)
		if m.Type == autoscalingv2.ResourceMetricSourceType {
			if m.Resource == nil {
				errs = append(errs, field.Required(mp.Child("resource"), "must populate information for the given metric source"))
				continue
			}
			t := m.Resource.Target
			if t.Type == autoscalingv2.UtilizationMetricType && t.AverageUtilization != nil && *t.AverageUtilization <= 0 {
				errs = append(errs, field.Invalid(mp.Child("resource", "target", "averageUtilization"), *t.AverageUtilization, "must be greater than 0"))
			}
		}
	}
	return errs
}

func validateHPAv1Spec(h *autoscalingv1.HorizontalPodAutoscaler) field.ErrorList {
	sp := field.NewPath("spec")
	errs := validateReplicaBounds(h.Spec.MinReplicas, h.Spec.MaxReplicas, sp)
	errs = append(errs, validateScaleTargetRef(h.Spec.ScaleTargetRef.Kind, h.Spec.ScaleTargetRef.Name, sp.Child("scaleTargetRef"))...)
	if u := h.Spec.TargetCPUUtilizationPercentage; u != nil && *u < 1 {
		errs = append(errs, field.Invalid(sp.Child("targetCPUUtilizationPercentage"), *u, "must be greater than 0"))
	}
	return errs
}
