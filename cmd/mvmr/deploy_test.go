package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/mvmr-ssl/mvmr-go/runs"
)

// repoRoot is the repository root, two folders above this package.
const repoRoot = "../.."

// checkSweepArgs checks the arguments of an `mvmr sweep` call in a deployment example: every
// flag is one the sweep command defines, and the shard is i/n with n shards.
func checkSweepArgs(t *testing.T, where string, args []string, shards int, index string) (sweepFile string) {
	t.Helper()
	if len(args) == 0 || args[0] != "sweep" {
		t.Fatalf("%s: arguments %q; expected the sweep command", where, args)
	}
	f := newSweepFlags(io.Discard)
	var positional []string
	shard := ""
	for i := 1; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			positional = append(positional, a)
			continue
		}
		name := strings.TrimLeft(a, "-")
		fl := f.fs.Lookup(name)
		if fl == nil {
			t.Errorf("%s: flag %s is not a flag of mvmr sweep", where, a)
			continue
		}
		if _, isBool := fl.Value.(interface{ IsBoolFlag() bool }); !isBool && i+1 < len(args) {
			i++
			if name == "shard" {
				shard = args[i]
			}
		}
	}
	if want := index + "/" + strconv.Itoa(shards); shard != want {
		t.Errorf("%s: --shard %q; want %q", where, shard, want)
	}
	if len(positional) != 1 {
		t.Fatalf("%s: positional arguments %q; expected the sweep file", where, positional)
	}
	return positional[0]
}

func TestKubernetesIndexedJob(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, "deploy/kubernetes/ablation-job.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	type mount struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	}
	type container struct {
		Command, Args []string
		VolumeMounts  []mount `yaml:"volumeMounts"`
	}
	var configMap struct {
		Kind string
		Data map[string]string
	}
	var job struct {
		APIVersion string `yaml:"apiVersion"`
		Kind       string
		Spec       struct {
			CompletionMode string `yaml:"completionMode"`
			Completions    int
			Parallelism    int
			Template       struct {
				Spec struct {
					RestartPolicy string `yaml:"restartPolicy"`
					Containers    []container
				}
			}
		}
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(false)
	if err := dec.Decode(&configMap); err != nil {
		t.Fatal(err)
	}
	if err := dec.Decode(&job); err != nil {
		t.Fatal(err)
	}
	if configMap.Kind != "ConfigMap" || job.Kind != "Job" || job.APIVersion != "batch/v1" || job.Spec.CompletionMode != "Indexed" ||
		job.Spec.Completions < 2 || job.Spec.Parallelism != job.Spec.Completions || job.Spec.Template.Spec.RestartPolicy != "Never" {
		t.Fatalf("manifest: ConfigMap %q, job %+v; expected an Indexed batch/v1 Job with completions = parallelism", configMap.Kind, job)
	}
	c := job.Spec.Template.Spec.Containers[0]
	if !slices.Equal(c.Command, []string{"mvmr"}) {
		t.Errorf("command %q; want [mvmr]", c.Command)
	}
	sweepFile := checkSweepArgs(t, "kubernetes", c.Args, job.Spec.Completions, "$(JOB_COMPLETION_INDEX)")
	// The sweep file is a key of the ConfigMap mounted where the arguments point.
	dir, name := filepath.Split(sweepFile)
	if _, ok := configMap.Data[name]; !ok || !slices.ContainsFunc(c.VolumeMounts, func(m mount) bool {
		return filepath.Clean(m.MountPath) == filepath.Clean(dir)
	}) {
		t.Fatalf("sweep file %s: not a ConfigMap key mounted at %s", sweepFile, dir)
	}
	// The ConfigMap's sweep expands, and each pod index runs its shard (dry run with --list).
	tmp := t.TempDir()
	for k, v := range configMap.Data {
		if err := os.WriteFile(filepath.Join(tmp, k), []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i := range job.Spec.Completions {
		args := slices.Clone(c.Args)
		for j := range args {
			args[j] = strings.ReplaceAll(args[j], "$(JOB_COMPLETION_INDEX)", strconv.Itoa(i))
			args[j] = strings.Replace(args[j], "/results", filepath.Join(tmp, "results"), 1)
			args[j] = strings.Replace(args[j], filepath.Clean(dir), tmp, 1)
		}
		args = append(args, "--list")
		if code, out, errOut := runCLI(args...); code != 0 || !strings.Contains(out, "runs") {
			t.Errorf("pod %d: mvmr %q: exit %d\n%s%s", i, args, code, out, errOut)
		}
	}
}

func TestSlurmJobArray(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, "deploy/slurm/ablation.sbatch"))
	if err != nil {
		t.Fatal(err)
	}
	script := string(raw)
	array := regexp.MustCompile(`(?m)^#SBATCH --array=0-(\d+)$`).FindStringSubmatch(script)
	shards := regexp.MustCompile(`(?m)^SHARDS=(\d+)`).FindStringSubmatch(script)
	if array == nil || shards == nil {
		t.Fatal("the script lacks #SBATCH --array=0-N or SHARDS=")
	}
	last, _ := strconv.Atoi(array[1])
	n, _ := strconv.Atoi(shards[1])
	if n != last+1 {
		t.Errorf("SHARDS=%d but --array=0-%d", n, last)
	}
	if !strings.Contains(script, "#SBATCH --signal=B:TERM@") || !strings.Contains(script, "exec mvmr ") {
		t.Error("the script must forward SIGTERM before the time limit to mvmr (#SBATCH --signal=B:TERM@..., exec mvmr)")
	}
	line := regexp.MustCompile(`(?m)^exec mvmr (.*)$`).FindStringSubmatch(script)
	if line == nil {
		t.Fatal("no `exec mvmr ...` line")
	}
	var args []string
	for _, f := range strings.Fields(line[1]) {
		args = append(args, strings.ReplaceAll(strings.Trim(f, `"`), "${SHARDS}", strconv.Itoa(n)))
	}
	sweepFile := checkSweepArgs(t, "slurm", args, n, "${SLURM_ARRAY_TASK_ID}")
	// Each array task's command line runs (as a dry run with --list) from the repository root.
	tmp := t.TempDir()
	for i := range n {
		task := slices.Clone(args)
		for j := range task {
			task[j] = strings.ReplaceAll(task[j], "${SLURM_ARRAY_TASK_ID}", strconv.Itoa(i))
			task[j] = strings.ReplaceAll(task[j], "$OUT", filepath.Join(tmp, "out"))
			if task[j] == sweepFile {
				task[j] = filepath.Join(repoRoot, sweepFile)
			}
		}
		task = append(task, "--list")
		if code, out, errOut := runCLI(task...); code != 0 || !strings.Contains(out, "30 runs") {
			t.Errorf("task %d: mvmr %q: exit %d\n%s%s", i, task, code, out, errOut)
		}
	}
	// The sweep's runs are all valid configs.
	s, err := runs.LoadSweep(filepath.Join(repoRoot, sweepFile))
	if err == nil {
		_, err = s.Runs()
	}
	if err != nil {
		t.Error(err)
	}
}
