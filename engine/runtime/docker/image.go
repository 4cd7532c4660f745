package docker

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	goruntime "runtime"
	"sort"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/network"

	"kubetour/engine/apps"
	"kubetour/engine/runtime"
	"kubetour/internal/appmode"
)

// Image labels: the content hash names an image built from one binary and
// its libraries, so a second start finds it instead of building again.
const (
	labelContentSHA = "kubetour.io/content-sha256"
	imageRepository = "kubetour/app"
)

// imageFile is one file of kubetour's image: a host file at a path.
type imageFile struct {
	host string // where it is read from
	path string // where it goes in the image
	mode int64
}

// imageContent lists the files of the image: the binary as /kubetour and,
// for a dynamically linked binary, its ELF interpreter and libraries at
// the paths the loader looks in.
func imageContent(binary string) ([]imageFile, []string, error) {
	files := []imageFile{{host: binary, path: appmode.Binary, mode: 0o755}}
	deps, libDirs, err := elfDeps(binary)
	if err != nil {
		return nil, nil, err
	}
	for _, d := range deps {
		files = append(files, imageFile{host: d.host, path: d.path, mode: 0o755})
	}
	return files, libDirs, nil
}

// contentHash hashes the files' names and bytes, remembering results by
// path, size and modification time (the binary is ~100 MB).
func contentHash(files []imageFile) (string, string, error) {
	h := sha256.New()
	binSum := ""
	for i, f := range files {
		sum, err := fileHash(f.host)
		if err != nil {
			return "", "", err
		}
		if i == 0 {
			binSum = sum
		}
		fmt.Fprintf(h, "%s %s %o\n", f.path, sum, f.mode)
	}
	return hex.EncodeToString(h.Sum(nil)), binSum, nil
}

// hashCache remembers file hashes in memory and in a file of the state
// folder, so that a start of the same binary does not read it all again.
var hashCache struct {
	sync.Mutex
	m    map[string]string // path|size|mtime -> sha256
	file string            // where they are kept ("" = memory only)
}

func loadHashCache(file string) {
	hashCache.Lock()
	defer hashCache.Unlock()
	if hashCache.m == nil {
		hashCache.m = map[string]string{}
	}
	hashCache.file = file
	data, err := os.ReadFile(file)
	if err != nil {
		return
	}
	var m map[string]string
	if json.Unmarshal(data, &m) == nil {
		for k, v := range m {
			hashCache.m[k] = v
		}
	}
}

func saveHashCache() {
	hashCache.Lock()
	defer hashCache.Unlock()
	if hashCache.file == "" {
		return
	}
	data, err := json.Marshal(hashCache.m)
	if err == nil {
		writeFileAtomic(hashCache.file, data)
	}
}

func fileHash(p string) (string, error) {
	info, err := os.Stat(p)
	if err != nil {
		return "", err
	}
	key := fmt.Sprintf("%s|%d|%d", p, info.Size(), info.ModTime().UnixNano())
	hashCache.Lock()
	if s, ok := hashCache.m[key]; ok {
		hashCache.Unlock()
		return s, nil
	}
	hashCache.Unlock()
	defer saveHashCache()
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	s := hex.EncodeToString(h.Sum(nil))
	hashCache.Lock()
	if hashCache.m == nil {
		hashCache.m = map[string]string{}
	}
	hashCache.m[key] = s
	hashCache.Unlock()
	return s, nil
}

// ensureImage finds kubetour's image for this binary, or builds it.
func (r *Runtime) ensureImage(ctx context.Context) (string, error) {
	bin := r.opts.Binary
	if bin == "" {
		exe, err := os.Executable()
		if err != nil {
			return "", fmt.Errorf("docker runtime: cannot find kubetour's executable: %w", err)
		}
		bin = exe
	}
	bin, err := filepath.EvalSymlinks(bin)
	if err != nil {
		return "", fmt.Errorf("docker runtime: kubetour's executable: %w", err)
	}
	loadHashCache(filepath.Join(r.opts.StateDir, "docker", "hashes.json"))
	files, libDirs, err := imageContent(bin)
	if err != nil {
		return "", fmt.Errorf("docker runtime: reading %s: %w", bin, err)
	}
	sum, binSum, err := contentHash(files)
	if err != nil {
		return "", fmt.Errorf("docker runtime: hashing %s: %w", bin, err)
	}
	found, err := r.cli.ImageList(ctx, image.ListOptions{Filters: filters.NewArgs(filters.Arg("label", labelContentSHA+"="+sum))})
	if err != nil {
		return "", fmt.Errorf("docker runtime: listing images: %w", err)
	}
	if len(found) > 0 {
		r.imageRef = found[0].ID
		for _, tag := range found[0].RepoTags {
			if strings.HasPrefix(tag, imageRepository+":") {
				r.imageRef = tag
			}
		}
		return found[0].ID, nil
	}
	id, err := r.buildImage(ctx, files, libDirs, sum, binSum)
	if err == nil {
		r.imageRef = imageRepository + ":" + sum[:12]
	}
	return id, err
}

// buildImage imports a FROM-scratch image holding files: a tar streamed
// straight into ImageImport (no Dockerfile, no builder, no pull).
func (r *Runtime) buildImage(ctx context.Context, files []imageFile, libDirs []string, sum, binSum string) (string, error) {
	ref := imageRepository + ":" + sum[:12]
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeImageTar(pw, files)) }()
	changes := []string{
		`ENTRYPOINT ["` + appmode.Binary + `"]`,
		`CMD ["app", "pause"]`,
		"LABEL " + labelContentSHA + "=" + sum,
		"LABEL " + labelBinarySHA + "=" + binSum,
	}
	if len(libDirs) > 0 {
		changes = append(changes, "ENV LD_LIBRARY_PATH="+strings.Join(libDirs, ":"))
	}
	rc, err := r.cli.ImageImport(ctx, image.ImportSource{Source: pr, SourceName: "-"}, ref, image.ImportOptions{Changes: changes,
		Message: "kubetour's own image: its binary (" + binSum[:12] + ") and what it needs to run FROM scratch"})
	if err != nil {
		pr.CloseWithError(err)
		return "", fmt.Errorf("docker runtime: importing %s: %w", ref, err)
	}
	defer rc.Close()
	if err := readJSONStream(rc); err != nil {
		return "", fmt.Errorf("docker runtime: importing %s: %w", ref, err)
	}
	img, err := r.cli.ImageInspect(ctx, ref)
	if err != nil {
		return "", fmt.Errorf("docker runtime: importing %s: %w", ref, err)
	}
	return img.ID, nil
}

// pruneImages removes kubetour images of other binaries that nothing uses:
// no container, and no live session (each session's network names the
// image it runs). Rebuilding kubetour would otherwise leave a 100 MB
// image behind each time.
func (r *Runtime) pruneImages(ctx context.Context) {
	imgs, err := r.cli.ImageList(ctx, image.ListOptions{Filters: filters.NewArgs(filters.Arg("label", labelContentSHA))})
	if err != nil {
		return
	}
	nets, err := r.cli.NetworkList(ctx, network.ListOptions{Filters: filters.NewArgs(filters.Arg("label", labelManaged+"=true"))})
	if err != nil {
		return
	}
	inUse := map[string]bool{r.image: true}
	for _, n := range nets {
		inUse[n.Labels[labelImageID]] = true
	}
	for _, img := range imgs {
		if inUse[img.ID] || img.Containers > 0 {
			continue
		}
		if _, err := r.cli.ImageRemove(ctx, img.ID, image.RemoveOptions{PruneChildren: true}); err == nil {
			r.opts.Logf("docker runtime: removed kubetour image %s of another binary", img.ID)
		}
	}
}

// readJSONStream reads a progress stream to its end and returns the error
// it reports, if any: an HTTP success does not mean the work succeeded.
func readJSONStream(rd io.Reader) error {
	dec := json.NewDecoder(rd)
	for {
		var m struct {
			Error       string `json:"error"`
			ErrorDetail *struct {
				Message string `json:"message"`
			} `json:"errorDetail"`
		}
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if m.ErrorDetail != nil && m.ErrorDetail.Message != "" {
			return errors.New(m.ErrorDetail.Message)
		}
		if m.Error != "" {
			return errors.New(m.Error)
		}
	}
}

// writeImageTar writes the image's root file system.
func writeImageTar(w io.Writer, files []imageFile) error {
	tw := tar.NewWriter(w)
	now := time.Unix(0, 0)
	dirs := map[string]bool{}
	mkdir := func(d string, mode int64) error {
		if d == "/" || d == "." || dirs[d] {
			return nil
		}
		dirs[d] = true
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: strings.TrimPrefix(d, "/") + "/", Mode: mode, ModTime: now})
	}
	var parents func(p string) error
	parents = func(p string) error {
		d := filepath.Dir(p)
		if d == "/" || dirs[d] {
			return nil
		}
		if err := parents(d); err != nil {
			return err
		}
		return mkdir(d, 0o755)
	}
	for _, d := range []struct {
		path string
		mode int64
	}{{"/tmp", 0o1777}, {"/etc", 0o755}, {"/root", 0o700}, {"/run", 0o755}} {
		if err := mkdir(d.path, d.mode); err != nil {
			return err
		}
	}
	for _, f := range files {
		if err := parents(f.path); err != nil {
			return err
		}
		src, err := os.Open(f.host)
		if err != nil {
			return err
		}
		info, err := src.Stat()
		if err != nil {
			src.Close()
			return err
		}
		err = tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: strings.TrimPrefix(f.path, "/"), Mode: f.mode, Size: info.Size(), ModTime: now})
		if err == nil {
			_, err = io.Copy(tw, src)
		}
		src.Close()
		if err != nil {
			return err
		}
	}
	return tw.Close()
}

// elfDep is a shared object the binary needs.
type elfDep struct{ host, path string }

// elfDeps finds what a dynamically linked binary needs in an empty image:
// its interpreter (PT_INTERP) and, transitively, its DT_NEEDED libraries,
// searched where the loader searches (RUNPATH/RPATH, LD_LIBRARY_PATH, the
// multiarch and lib64 directories). Each goes to the path where it was
// found; libDirs lists directories beyond the loader's defaults, which the
// image's LD_LIBRARY_PATH must name. A static binary needs nothing.
func elfDeps(binary string) (deps []elfDep, libDirs []string, err error) {
	f, err := elf.Open(binary)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	interp := ""
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			b, err := io.ReadAll(p.Open())
			if err != nil {
				return nil, nil, err
			}
			interp = strings.TrimRight(string(b), "\x00")
		}
	}
	needed, _ := f.ImportedLibraries()
	if interp == "" && len(needed) == 0 {
		return nil, nil, nil
	}
	if interp != "" {
		deps = append(deps, elfDep{host: interp, path: interp})
	}
	defaults := defaultLibDirs(interp)
	var search []string
	for _, tag := range []elf.DynTag{elf.DT_RUNPATH, elf.DT_RPATH} {
		if vals, err := f.DynString(tag); err == nil {
			for _, v := range vals {
				search = append(search, filepath.SplitList(v)...)
			}
		}
	}
	search = append(search, filepath.SplitList(os.Getenv("LD_LIBRARY_PATH"))...)
	search = append(search, defaults...)
	isDefault := map[string]bool{}
	for _, d := range defaults {
		isDefault[d] = true
	}
	seen := map[string]bool{}
	extra := map[string]bool{}
	queue := append([]string(nil), needed...)
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		found := ""
		for _, d := range search {
			if d == "" {
				continue
			}
			p := filepath.Join(d, name)
			if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() {
				found = p
				break
			}
		}
		if found == "" {
			return nil, nil, fmt.Errorf("shared library %s not found (searched %s)", name, strings.Join(search, ":"))
		}
		if interp != "" && sameFile(found, interp) {
			continue
		}
		deps = append(deps, elfDep{host: found, path: found})
		if d := filepath.Dir(found); !isDefault[d] {
			extra[d] = true
		}
		if lf, err := elf.Open(found); err == nil {
			more, _ := lf.ImportedLibraries()
			queue = append(queue, more...)
			lf.Close()
		}
	}
	for d := range extra {
		libDirs = append(libDirs, d)
	}
	sort.Strings(libDirs)
	return deps, libDirs, nil
}

func sameFile(a, b string) bool {
	ia, err1 := os.Stat(a)
	ib, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(ia, ib)
}

// defaultLibDirs are the directories glibc's loader searches without a
// cache: the multiarch ones on Debian-like systems, lib64 on others.
func defaultLibDirs(interp string) []string {
	triplet := map[string]string{
		"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu", "386": "i386-linux-gnu",
		"arm": "arm-linux-gnueabihf", "ppc64le": "powerpc64le-linux-gnu", "s390x": "s390x-linux-gnu",
		"riscv64": "riscv64-linux-gnu",
	}[goruntime.GOARCH]
	var dirs []string
	if triplet != "" {
		dirs = append(dirs, "/lib/"+triplet, "/usr/lib/"+triplet)
	}
	dirs = append(dirs, "/lib64", "/usr/lib64", "/lib", "/usr/lib")
	if interp != "" {
		dirs = append(dirs, filepath.Dir(interp))
	}
	return dirs
}

// resolvedImage is what an image name runs as here.
type resolvedImage struct {
	ref      string // as the pod asked
	emulated bool
	b        apps.Behaviour // for emulated images
	run      string         // the Docker image containers are created from
	id       string         // reported image ID
	size     int64
}

func (ri *resolvedImage) info() *runtime.ImageInfo {
	return &runtime.ImageInfo{Ref: ri.ref, ID: ri.id, Emulated: ri.emulated, Size: ri.size}
}

// emulatedImageID is the ID shown for an emulated image: the same as the
// simulation's, so `kubectl describe` reads alike on both runtimes.
func emulatedImageID(b apps.Behaviour) string {
	sum := sha256.Sum256([]byte(b.Ref.String() + "\x00" + b.Version))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// PullImage makes an image available: a local image is used as it is; an
// image of kubetour's catalogue (the course's images, nginx, busybox …) is
// played by kubetour's own image (Emulated); anything else is pulled, and
// a failed pull is an *runtime.ImageError.
func (r *Runtime) PullImage(ctx context.Context, img string) (*runtime.ImageInfo, error) {
	ri, err := r.resolveImage(ctx, img, true)
	if err != nil {
		return nil, err
	}
	return ri.info(), nil
}

func (r *Runtime) resolveImage(ctx context.Context, img string, pull bool) (*resolvedImage, error) {
	r.mu.Lock()
	ri := r.images[img]
	r.mu.Unlock()
	if ri != nil {
		return ri, nil
	}
	ref, err := apps.ParseRef(img)
	if err != nil {
		return nil, &runtime.ImageError{Image: img, Reason: err.Error()}
	}
	if local, err := r.cli.ImageInspect(ctx, ref.String()); err == nil {
		ri = &resolvedImage{ref: img, run: local.ID, id: local.ID, size: local.Size}
	} else if !cerrdefs.IsNotFound(err) {
		return nil, &runtime.ImageError{Image: img, Reason: err.Error()}
	} else if b, ok := apps.Resolve(img); ok {
		ri = &resolvedImage{ref: img, emulated: true, b: b, run: r.imageRef, id: emulatedImageID(b), size: b.Size}
	} else if !pull {
		return nil, &runtime.ImageError{Image: img, Reason: "image is not present on the node"}
	} else {
		if err := r.pull(ctx, ref.String()); err != nil {
			return nil, &runtime.ImageError{Image: img, Reason: err.Error()}
		}
		local, err := r.cli.ImageInspect(ctx, ref.String())
		if err != nil {
			return nil, &runtime.ImageError{Image: img, Reason: err.Error()}
		}
		ri = &resolvedImage{ref: img, run: local.ID, id: local.ID, size: local.Size}
	}
	r.mu.Lock()
	r.images[img] = ri
	r.mu.Unlock()
	return ri, nil
}

func (r *Runtime) pull(ctx context.Context, ref string) error {
	ctx, cancel := context.WithTimeout(ctx, r.opts.PullTimeout)
	defer cancel()
	rc, err := r.cli.ImagePull(ctx, ref, image.PullOptions{})
	if err != nil {
		return err
	}
	defer rc.Close()
	return readJSONStream(rc)
}
