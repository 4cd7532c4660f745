package printers

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestStorageCells(t *testing.T) {
	fs := corev1.PersistentVolumeFilesystem
	storage := func(q string) corev1.ResourceList {
		return corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(q)}
	}
	tests := map[string]struct {
		resource string
		obj      runtime.Object
		want     []interface{}
	}{
		"bound volume": {
			resource: "persistentvolumes",
			obj: &corev1.PersistentVolume{ObjectMeta: objMeta("pv-1", time.Hour), Spec: corev1.PersistentVolumeSpec{
				Capacity:                      storage("5Gi"),
				AccessModes:                   []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany, corev1.ReadWriteOnce, corev1.ReadWriteOnce},
				PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimRetain,
				ClaimRef:                      &corev1.ObjectReference{Namespace: "shop", Name: "data"},
				StorageClassName:              "standard",
				VolumeMode:                    &fs,
			}, Status: corev1.PersistentVolumeStatus{Phase: corev1.VolumeBound}},
			want: []interface{}{"pv-1", "5Gi", "RWO,RWX", "Retain", "Bound", "shop/data", "standard", "<unset>", "", "60m", "Filesystem"},
		},
		"released volume being deleted, class from the beta annotation": {
			resource: "persistentvolumes",
			obj: &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{Name: "pv-2", CreationTimestamp: ago(time.Hour), DeletionTimestamp: agoPtr(time.Second),
					Annotations: map[string]string{corev1.BetaStorageClassAnnotation: "legacy"}},
				Spec: corev1.PersistentVolumeSpec{StorageClassName: "standard", VolumeAttributesClassName: ptrTo("gold"),
					AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOncePod, corev1.ReadOnlyMany}},
				Status: corev1.PersistentVolumeStatus{Phase: corev1.VolumeReleased, Reason: "claim gone"}},
			want: []interface{}{"pv-2", "0", "ROX,RWOP", "", "Terminating", "", "legacy", "gold", "claim gone", "60m", "<unset>"},
		},
		"pending claim hides capacity and modes": {
			resource: "persistentvolumeclaims",
			obj: &corev1.PersistentVolumeClaim{ObjectMeta: objMeta("data", time.Minute), Spec: corev1.PersistentVolumeClaimSpec{
				AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}, StorageClassName: ptrTo("standard"),
				Resources: corev1.VolumeResourceRequirements{Requests: storage("1Gi")},
			}, Status: corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimPending}},
			want: []interface{}{"data", "Pending", "", "", "", "standard", "<unset>", "60s", "<unset>"},
		},
		"bound claim": {
			resource: "persistentvolumeclaims",
			obj: &corev1.PersistentVolumeClaim{ObjectMeta: objMeta("data", time.Minute), Spec: corev1.PersistentVolumeClaimSpec{
				VolumeName: "pv-1", VolumeMode: &fs, VolumeAttributesClassName: ptrTo("gold"),
			}, Status: corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimBound, Capacity: storage("5Gi"),
				AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}}},
			want: []interface{}{"data", "Bound", "pv-1", "5Gi", "RWO", "", "gold", "60s", "Filesystem"},
		},
		"default storage class": {
			resource: "storageclasses",
			obj: &storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "standard", CreationTimestamp: ago(time.Hour),
				Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}},
				Provisioner: "rancher.io/local-path", ReclaimPolicy: ptrTo(corev1.PersistentVolumeReclaimRetain),
				VolumeBindingMode: ptrTo(storagev1.VolumeBindingWaitForFirstConsumer), AllowVolumeExpansion: ptrTo(true)},
			want: []interface{}{"standard (default)", "rancher.io/local-path", "Retain", "WaitForFirstConsumer", true, "60m"},
		},
		"storage class defaults": {
			resource: "storageclasses",
			obj:      &storagev1.StorageClass{ObjectMeta: objMeta("fast", time.Hour), Provisioner: "csi.example.com"},
			want:     []interface{}{"fast", "csi.example.com", "Delete", "Immediate", false, "60m"},
		},
		"storage class marked default by the beta annotation": {
			resource: "storageclasses",
			obj: &storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "old", CreationTimestamp: ago(time.Hour),
				Annotations: map[string]string{"storageclass.beta.kubernetes.io/is-default-class": "true"}}, Provisioner: "p"},
			want: []interface{}{"old (default)", "p", "Delete", "Immediate", false, "60m"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assertCells(t, cellsOf(t, tc.resource, tc.obj), tc.want)
		})
	}
}
