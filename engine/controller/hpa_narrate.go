package controller

import (
	"fmt"
	"strings"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/resource"

	"kubetour/internal/ko"
)

// The autoscaler's narration: each rescale with the arithmetic behind it,
// each failure with what to do about it.

func (h *HPA) explainRescale(hpa *autoscalingv2.HorizontalPodAutoscaler, reference string, current, desired int32, reason string, p hpaProposal) (string, string) {
	target := strings.ToLower(hpa.Spec.ScaleTargetRef.Kind) + " " + hpa.Spec.ScaleTargetRef.Name
	targetKO := hpa.Spec.ScaleTargetRef.Name + " " + hpaKindKO(hpa.Spec.ScaleTargetRef.Kind)
	switch {
	case strings.HasPrefix(reason, "Current number of replicas above"):
		return fmt.Sprintf("%s had %d replicas, more than HorizontalPodAutoscaler %s allows (maxReplicas %d), so the autoscaler set it to %d.", target, current, hpa.Name, hpa.Spec.MaxReplicas, desired),
			fmt.Sprintf("%s의 레플리카가 %d개로 %s 오토스케일러(HPA)의 최대값(maxReplicas %d)보다 많아서 %d개로 맞췄습니다.", targetKO, current, hpa.Name, hpa.Spec.MaxReplicas, desired)
	case strings.HasPrefix(reason, "Current number of replicas below"):
		return fmt.Sprintf("%s had %d replicas, fewer than HorizontalPodAutoscaler %s's minReplicas, so the autoscaler set it to %d.", target, current, hpa.Name, desired),
			fmt.Sprintf("%s의 레플리카가 %d개로 %s 오토스케일러(HPA)의 최소값(minReplicas)보다 적어서 %d개로 맞췄습니다.", targetKO, current, hpa.Name, desired)
	}
	usage, usageKO := hpaUsageSentence(p)
	if p.calc.adjusted {
		usage = strings.Replace(usage, "The pods use", "The pods with metrics use", 1)
		usageKO = strings.Replace(usageKO, "파드들이", "메트릭이 있는 파드들이", 1)
	}
	formula := fmt.Sprintf("desired = ceil(%d × %s) = %d", p.calc.ready, hpaRatioText(p), p.prenormalized)
	formulaKO := formula
	if p.calc.adjusted {
		formula += " (pods without usable metrics counted as idle on the way up, as fully busy on the way down)"
		formulaKO += " (사용할 수 있는 메트릭이 없는 파드는 확장할 때는 0%, 축소할 때는 100%로 셈)"
	}
	up := desired > current
	var steps, stepsKO []string
	if up && p.stabilized < p.prenormalized {
		steps = append(steps, fmt.Sprintf("the lowest recommendation of the last %s (scale-up stabilization window) is %d", hpaDuration(p.window), p.stabilized))
		stepsKO = append(stepsKO, fmt.Sprintf("최근 %s(확장 안정화 구간)의 가장 낮은 권장값은 %d개", hpaDurationKO(p.window), p.stabilized))
	}
	if !up && p.stabilized > p.prenormalized {
		steps = append(steps, fmt.Sprintf("the highest recommendation of the last %s (scale-down stabilization window) is %d", hpaDuration(p.window), p.stabilized))
		stepsKO = append(stepsKO, fmt.Sprintf("최근 %s(축소 안정화 구간)의 가장 높은 권장값은 %d개", hpaDurationKO(p.window), p.stabilized))
	}
	switch p.limit {
	case "TooManyReplicas":
		steps = append(steps, fmt.Sprintf("maxReplicas caps it at %d", desired))
		stepsKO = append(stepsKO, fmt.Sprintf("maxReplicas 때문에 %d개가 한도", desired))
	case "TooFewReplicas":
		steps = append(steps, fmt.Sprintf("minReplicas keeps it at %d", desired))
		stepsKO = append(stepsKO, fmt.Sprintf("minReplicas 때문에 %d개 아래로는 줄지 않음", desired))
	case "ScaleUpLimit":
		if hpa.Spec.Behavior == nil {
			steps = append(steps, fmt.Sprintf("one step may at most double the replicas, or reach 4: %d", desired))
			stepsKO = append(stepsKO, fmt.Sprintf("한 번에 최대 두 배(또는 4개)까지만 늘릴 수 있어 %d개", desired))
		} else {
			steps = append(steps, fmt.Sprintf("the scale-up policies allow %d for now", desired))
			stepsKO = append(stepsKO, fmt.Sprintf("확장 정책(behavior.scaleUp.policies)이 지금은 %d개까지만 허용", desired))
		}
	case "ScaleDownLimit":
		steps = append(steps, fmt.Sprintf("the scale-down policies allow %d for now", desired))
		stepsKO = append(stepsKO, fmt.Sprintf("축소 정책(behavior.scaleDown.policies)이 지금은 %d개까지만 허용", desired))
	}
	then, thenKO := "", ""
	if len(steps) > 0 {
		then = "; " + strings.Join(steps, "; ")
		thenKO = ". " + strings.Join(stepsKO, ", ")
	}
	if up {
		return fmt.Sprintf("%s, above the target of %s: %s%s. The autoscaler scaled %s from %d to %d replicas.", usage, p.target, formula, then, target, current, desired),
			fmt.Sprintf("%s 목표 %s보다 높습니다. %s%s. 그래서 오토스케일러가 %s의 레플리카를 %d개에서 %d개로 늘렸습니다.", usageKO, p.target, formulaKO, thenKO, targetKO, current, desired)
	}
	if p.window > 0 && p.stabilized == p.prenormalized {
		// The window held the scale until this sync: say so.
		then += fmt.Sprintf("; no recommendation of the last %s asks for more any longer", hpaDuration(p.window))
		thenKO += fmt.Sprintf(". 최근 %s 동안의 권장값이 이제 모두 이보다 낮습니다", hpaDurationKO(p.window))
	}
	return fmt.Sprintf("%s, below the target of %s: %s%s. The autoscaler scaled %s from %d to %d replicas.", usage, p.target, formula, then, target, current, desired),
		fmt.Sprintf("%s 목표 %s보다 낮습니다. %s%s. 그래서 오토스케일러가 %s의 레플리카를 %d개에서 %d개로 줄였습니다.", usageKO, p.target, formulaKO, thenKO, targetKO, current, desired)
}

func hpaKindKO(kind string) string {
	switch kind {
	case "Deployment":
		return "디플로이먼트"
	case "ReplicaSet":
		return "레플리카셋"
	case "StatefulSet":
		return "스테이트풀셋"
	case "ReplicationController":
		return "레플리케이션 컨트롤러"
	}
	return kind
}

func hpaDuration(d time.Duration) string {
	if d%time.Minute == 0 {
		if d == time.Minute {
			return "minute"
		}
		return fmt.Sprintf("%d minutes", int(d/time.Minute))
	}
	return fmt.Sprintf("%d seconds", int(d/time.Second))
}

func hpaDurationKO(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d분", int(d/time.Minute))
	}
	return fmt.Sprintf("%d초", int(d/time.Second))
}

func hpaUsageSentence(p hpaProposal) (string, string) {
	if p.utilization {
		return fmt.Sprintf("The pods use %d%% of their %s request on average", p.calc.utilization, p.resource),
			fmt.Sprintf("파드들이 %s 요청량(request)의 평균 %d%%를 쓰고 있어", p.resource, p.calc.utilization)
	}
	avg := resource.NewMilliQuantity(p.calc.rawAverage, resource.DecimalSI).String()
	return fmt.Sprintf("The pods use %s of %s each on average", avg, p.resource),
		fmt.Sprintf("파드마다 %s 평균 %s씩 쓰고 있어", ko.With(string(p.resource), "을/를"), avg)
}

func hpaRatioText(p hpaProposal) string {
	if p.utilization {
		return fmt.Sprintf("%d%% / %s", p.calc.formula, p.target)
	}
	return fmt.Sprintf("%s / %s", resource.NewMilliQuantity(p.calc.formula, resource.DecimalSI).String(), p.target)
}

func (h *HPA) explainMetricFailure(hpa *autoscalingv2.HorizontalPodAutoscaler, err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "missing request for"):
		return fmt.Sprintf("HorizontalPodAutoscaler %s measures CPU as a percentage of each container's request, but a container has no request (%v): set resources.requests in the pod template.", hpa.Name, err)
	case strings.Contains(msg, "no metrics returned from resource metrics API"), strings.Contains(msg, "did not receive metrics"):
		return fmt.Sprintf("HorizontalPodAutoscaler %s has no usage figures for its pods yet (%v): metrics-server needs two readings, 15 seconds apart, of a running, ready pod.", hpa.Name, err)
	}
	return fmt.Sprintf("HorizontalPodAutoscaler %s could not read a metric: %v", hpa.Name, err)
}

func (h *HPA) explainMetricFailureKO(hpa *autoscalingv2.HorizontalPodAutoscaler, err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "missing request for"):
		return fmt.Sprintf("%s 오토스케일러(HPA)는 사용량을 컨테이너 요청량(request)의 백분율로 계산하는데, 요청량이 없는 컨테이너가 있습니다(%v). 파드 템플릿에 resources.requests를 지정하세요.", hpa.Name, err)
	case strings.Contains(msg, "no metrics returned from resource metrics API"), strings.Contains(msg, "did not receive metrics"):
		return fmt.Sprintf("%s 오토스케일러(HPA)가 아직 파드의 사용량 수치를 받지 못했습니다(%v). metrics-server는 실행 중이고 준비된 파드를 15초 간격으로 두 번 측정해야 값을 냅니다.", hpa.Name, err)
	}
	return fmt.Sprintf("%s 오토스케일러(HPA)가 메트릭을 읽지 못했습니다: %v", hpa.Name, err)
}
