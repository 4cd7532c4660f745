package controller

import (
	"math"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
)

// From the proposal of the metrics to the replicas written: the
// stabilization windows, the rate limits and the min/max bounds, in
// upstream's two forms (normalizeDesiredReplicas without behavior,
// normalizeDesiredReplicasWithBehaviors with it).

// normalize is normalizeDesiredReplicas (no behavior): a scale-down only
// to the highest recommendation of the stabilization window, a scale-up
// to at most double (at least 4), and the min/max bounds.
func (h *HPA) normalize(hpa *autoscalingv2.HorizontalPodAutoscaler, k string, current, desired, minReplicas int32, p *hpaProposal) int32 {
	stabilized := h.stabilize(k, desired)
	if stabilized != desired {
		h.setCondition(hpa, autoscalingv2.AbleToScale, corev1.ConditionTrue, "ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation")
	} else {
		h.setCondition(hpa, autoscalingv2.AbleToScale, corev1.ConditionTrue, "ReadyForNewScale", "recommended size matches current size")
	}
	out, reason, msg := hpaConvertWithRules(current, stabilized, minReplicas, hpa.Spec.MaxReplicas)
	status := corev1.ConditionFalse
	if out != stabilized {
		status = corev1.ConditionTrue
		p.limit = reason
	}
	p.stabilized, p.window = stabilized, h.DownscaleStabilization
	h.setCondition(hpa, autoscalingv2.ScalingLimited, status, reason, msg)
	return out
}

// stabilize is stabilizeRecommendation: remember this recommendation and
// return the highest one still inside the window.
func (h *HPA) stabilize(k string, desired int32) int32 {
	now := h.now()
	max := desired
	cutoff := now.Add(-h.DownscaleStabilization)
	oldIdx := -1
	for i, r := range h.recs[k] {
		// A recommendation exactly one window old is out: upstream's syncs
		// drift a little later each time, ours are exact.
		if !r.at.After(cutoff) {
			oldIdx = i
		} else if r.replicas > max {
			max = r.replicas
		}
	}
	if oldIdx >= 0 {
		h.recs[k][oldIdx] = hpaRecommendation{replicas: desired, at: now}
	} else {
		h.recs[k] = append(h.recs[k], hpaRecommendation{replicas: desired, at: now})
	}
	return max
}

func hpaConvertWithRules(current, desired, minReplicas, maxReplicas int32) (int32, string, string) {
	scaleUpLimit := int32(math.Max(hpaScaleUpFactor*float64(current), hpaScaleUpMinimum))
	maxAllowed := maxReplicas
	reason, msg := "TooManyReplicas", "the desired replica count is more than the maximum replica count"
	if maxReplicas > scaleUpLimit {
		maxAllowed = scaleUpLimit
		reason, msg = "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate"
	}
	if desired < minReplicas {
		return minReplicas, "TooFewReplicas", "the desired replica count is less than the minimum replica count"
	}
	if desired > maxAllowed {
		return maxAllowed, reason, msg
	}
	return desired, "DesiredWithinRange", "the desired count is within the acceptable range"
}

// normalizeWithBehaviors is normalizeDesiredReplicasWithBehaviors: both
// directions have a stabilization window and rate policies.
func (h *HPA) normalizeWithBehaviors(hpa *autoscalingv2.HorizontalPodAutoscaler, k string, current, desired, minReplicas int32, p *hpaProposal) int32 {
	b := hpa.Spec.Behavior.DeepCopy()
	if b.ScaleDown != nil && b.ScaleDown.StabilizationWindowSeconds == nil {
		w := int32(h.DownscaleStabilization.Seconds())
		b.ScaleDown.StabilizationWindowSeconds = &w
	}
	up, down := hpaRulesOrDefault(b.ScaleUp, true, h.DownscaleStabilization), hpaRulesOrDefault(b.ScaleDown, false, h.DownscaleStabilization)
	stabilized, reason, msg := h.stabilizeWithBehaviors(k, current, desired, up, down)
	if stabilized != desired {
		h.setCondition(hpa, autoscalingv2.AbleToScale, corev1.ConditionTrue, reason, msg)
	} else {
		h.setCondition(hpa, autoscalingv2.AbleToScale, corev1.ConditionTrue, "ReadyForNewScale", "recommended size matches current size")
	}
	out, lreason, lmsg := h.convertWithBehaviorRate(k, current, stabilized, minReplicas, hpa.Spec.MaxReplicas, up, down)
	status := corev1.ConditionFalse
	if out != stabilized {
		status = corev1.ConditionTrue
		p.limit = lreason
	}
	p.stabilized = stabilized
	p.window = time.Duration(*down.StabilizationWindowSeconds) * time.Second
	if desired > current {
		p.window = time.Duration(*up.StabilizationWindowSeconds) * time.Second
	}
	h.setCondition(hpa, autoscalingv2.ScalingLimited, status, lreason, lmsg)
	return out
}

// hpaRulesOrDefault fills a missing direction with the API defaults
// (the API server fills them in when behavior is set at all).
func hpaRulesOrDefault(r *autoscalingv2.HPAScalingRules, up bool, downWindow time.Duration) *autoscalingv2.HPAScalingRules {
	max := autoscalingv2.MaxChangePolicySelect
	if r != nil {
		r = r.DeepCopy()
	} else if up {
		zero := int32(0)
		r = &autoscalingv2.HPAScalingRules{StabilizationWindowSeconds: &zero, Policies: []autoscalingv2.HPAScalingPolicy{
			{Type: autoscalingv2.PodsScalingPolicy, Value: 4, PeriodSeconds: 15},
			{Type: autoscalingv2.PercentScalingPolicy, Value: 100, PeriodSeconds: 15}}}
	} else {
		r = &autoscalingv2.HPAScalingRules{Policies: []autoscalingv2.HPAScalingPolicy{
			{Type: autoscalingv2.PercentScalingPolicy, Value: 100, PeriodSeconds: 15}}}
	}
	if r.SelectPolicy == nil {
		r.SelectPolicy = &max
	}
	if r.StabilizationWindowSeconds == nil {
		w := int32(0)
		if !up {
			w = int32(downWindow.Seconds())
		}
		r.StabilizationWindowSeconds = &w
	}
	return r
}

// stabilizeWithBehaviors: the result stays between the lowest
// recommendation of the scale-up window and the highest of the scale-down
// window.
func (h *HPA) stabilizeWithBehaviors(k string, current, desired int32, up, down *autoscalingv2.HPAScalingRules) (int32, string, string) {
	now := h.now()
	upRec, downRec := desired, desired
	upCutoff := now.Add(-time.Duration(*up.StabilizationWindowSeconds) * time.Second)
	downCutoff := now.Add(-time.Duration(*down.StabilizationWindowSeconds) * time.Second)
	oldIdx := -1
	for i, r := range h.recs[k] {
		if r.at.After(upCutoff) && r.replicas < upRec {
			upRec = r.replicas
		}
		if r.at.After(downCutoff) && r.replicas > downRec {
			downRec = r.replicas
		}
		if !r.at.After(upCutoff) && !r.at.After(downCutoff) {
			oldIdx = i
		}
	}
	rec := current
	if rec < upRec {
		rec = upRec
	}
	if rec > downRec {
		rec = downRec
	}
	if oldIdx >= 0 {
		h.recs[k][oldIdx] = hpaRecommendation{replicas: desired, at: now}
	} else {
		h.recs[k] = append(h.recs[k], hpaRecommendation{replicas: desired, at: now})
	}
	if desired >= current {
		return rec, "ScaleUpStabilized", "recent recommendations were lower than current one, applying the lowest recent recommendation"
	}
	return rec, "ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation"
}

// convertWithBehaviorRate applies the scaling policies over their periods
// and the min/max bounds.
func (h *HPA) convertWithBehaviorRate(k string, current, desired, minReplicas, maxReplicas int32, up, down *autoscalingv2.HPAScalingRules) (int32, string, string) {
	switch {
	case desired > current:
		limit := h.scaleUpLimit(k, current, up)
		if limit < current {
			limit = current
		}
		maxAllowed := maxReplicas
		reason, msg := "TooManyReplicas", "the desired replica count is more than the maximum replica count"
		if maxAllowed > limit {
			maxAllowed = limit
			reason, msg = "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate"
		}
		if desired > maxAllowed {
			return maxAllowed, reason, msg
		}
	case desired < current:
		limit := h.scaleDownLimit(k, current, down)
		if limit > current {
			limit = current
		}
		minAllowed := minReplicas
		reason, msg := "TooFewReplicas", "the desired replica count is less than the minimum replica count"
		if minAllowed < limit {
			minAllowed = limit
			reason, msg = "ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate"
		}
		if desired < minAllowed {
			return minAllowed, reason, msg
		}
	}
	return desired, "DesiredWithinRange", "the desired count is within the acceptable range"
}

// changeInPeriod sums the recorded scale events of the last period.
func (h *HPA) changeInPeriod(periodSeconds int32, events []hpaScaleEvent) int32 {
	cutoff := h.now().Add(-time.Duration(periodSeconds) * time.Second)
	var n int32
	for _, e := range events {
		if e.at.After(cutoff) {
			n += e.change
		}
	}
	return n
}

func (h *HPA) scaleUpLimit(k string, current int32, r *autoscalingv2.HPAScalingRules) int32 {
	if *r.SelectPolicy == autoscalingv2.DisabledPolicySelect {
		return current
	}
	pick := func(a, b int32) int32 { return max(a, b) }
	result := int32(math.MinInt32)
	if *r.SelectPolicy == autoscalingv2.MinChangePolicySelect {
		pick, result = func(a, b int32) int32 { return min(a, b) }, math.MaxInt32
	}
	for _, p := range r.Policies {
		start := current - h.changeInPeriod(p.PeriodSeconds, h.ups[k]) + h.changeInPeriod(p.PeriodSeconds, h.downs[k])
		var proposed int32
		switch p.Type {
		case autoscalingv2.PodsScalingPolicy:
			proposed = start + p.Value
		case autoscalingv2.PercentScalingPolicy:
			proposed = int32(math.Ceil(float64(start) * (1 + float64(p.Value)/100)))
		}
		result = pick(result, proposed)
	}
	return result
}

func (h *HPA) scaleDownLimit(k string, current int32, r *autoscalingv2.HPAScalingRules) int32 {
	if *r.SelectPolicy == autoscalingv2.DisabledPolicySelect {
		return current
	}
	pick := func(a, b int32) int32 { return min(a, b) }
	result := int32(math.MaxInt32)
	if *r.SelectPolicy == autoscalingv2.MinChangePolicySelect {
		pick, result = func(a, b int32) int32 { return max(a, b) }, math.MinInt32
	}
	for _, p := range r.Policies {
		start := current - h.changeInPeriod(p.PeriodSeconds, h.ups[k]) + h.changeInPeriod(p.PeriodSeconds, h.downs[k])
		var proposed int32
		switch p.Type {
		case autoscalingv2.PodsScalingPolicy:
			proposed = start - p.Value
		case autoscalingv2.PercentScalingPolicy:
			proposed = int32(float64(start) * (1 - float64(p.Value)/100))
		}
		result = pick(result, proposed)
	}
	return result
}

// storeScaleEvent remembers a scaling for the rate policies; an event
// older than the longest period is reused.
func (h *HPA) storeScaleEvent(b *autoscalingv2.HorizontalPodAutoscalerBehavior, k string, prev, next int32) {
	if b == nil {
		return
	}
	store := func(events []hpaScaleEvent, rules *autoscalingv2.HPAScalingRules, change int32) []hpaScaleEvent {
		var longest int32
		if rules != nil {
			for _, p := range rules.Policies {
				if p.PeriodSeconds > longest {
					longest = p.PeriodSeconds
				}
			}
		}
		cutoff := h.now().Add(-time.Duration(longest) * time.Second)
		old := -1
		for i := range events {
			if events[i].at.Before(cutoff) {
				events[i].outdated = true
			}
			if events[i].outdated {
				old = i
			}
		}
		e := hpaScaleEvent{change: change, at: h.now()}
		if old >= 0 {
			events[old] = e
			return events
		}
		return append(events, e)
	}
	if next > prev {
		h.ups[k] = store(h.ups[k], hpaRulesOrDefault(b.ScaleUp, true, h.DownscaleStabilization), next-prev)
	} else {
		h.downs[k] = store(h.downs[k], hpaRulesOrDefault(b.ScaleDown, false, h.DownscaleStabilization), prev-next)
	}
}
