package gonb

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction with its continuation lines joined.
type instruction struct {
	line int
	op   string
	args string
}

func parseDockerfile(t *testing.T, path string) []instruction {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []instruction
	var current *instruction
	for i, line := range strings.Split(string(raw), "\n") {
		trimmed := strings.TrimSpace(line)
		if current == nil && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		continued := strings.HasSuffix(trimmed, "\\")
		trimmed = strings.TrimSuffix(trimmed, "\\")
		if current == nil {
			op, args, _ := strings.Cut(trimmed, " ")
			current = &instruction{line: i + 1, op: strings.ToUpper(op), args: strings.TrimSpace(args)}
		} else {
			current.args += " " + trimmed
		}
		if !continued {
			out = append(out, *current)
			current = nil
		}
	}
	if current != nil {
		t.Fatalf("%s: instruction at line %d ends with a line continuation", path, current.line)
	}
	return out
}

func TestDockerfile(t *testing.T) {
	root := filepath.Join("..", "..")
	instructions := parseDockerfile(t, "Dockerfile")
	known := map[string]bool{"FROM": true, "RUN": true, "ENV": true, "WORKDIR": true, "COPY": true, "EXPOSE": true, "CMD": true, "ARG": true, "LABEL": true}
	goMod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(goMod)
	if goVersion == nil {
		t.Fatal("go.mod has no go directive")
	}
	// A toolchain line pins the patch release too: the image carries exactly that Go.
	if toolchain := regexp.MustCompile(`(?m)^toolchain go(\d+\.\d+\.\d+)`).FindSubmatch(goMod); toolchain != nil {
		goVersion = toolchain
	}
	var sawFrom, sawSimd, sawSetup bool
	defined := map[string]bool{"PATH": true, "HOME": true}
	for _, in := range instructions {
		if !known[in.op] {
			t.Errorf("line %d: unknown instruction %q", in.line, in.op)
		}
		switch in.op {
		case "FROM":
			sawFrom = true
			if want := "golang:" + string(goVersion[1]); !strings.HasPrefix(in.args, want) {
				t.Errorf("line %d: FROM %s; go.mod needs Go %s, expected an image %s-*", in.line, in.args, goVersion[1], want)
			}
		case "COPY":
			fields := strings.Fields(in.args)
			for _, src := range fields[:len(fields)-1] {
				if _, err := os.Stat(filepath.Join(root, src)); err != nil {
					t.Errorf("line %d: COPY source %s does not exist in the repository", in.line, src)
				}
			}
		case "ENV", "ARG":
			sawSimd = sawSimd || strings.Contains(in.args, "GOEXPERIMENT=simd")
			if v := regexp.MustCompile(`GOTOOLCHAIN=(\S+)`).FindStringSubmatch(in.args); v != nil && v[1] != "go"+string(goVersion[1]) && v[1] != "local" {
				t.Errorf("line %d: GOTOOLCHAIN=%s; go.mod names go%s", in.line, v[1], goVersion[1])
			}
			for _, kv := range regexp.MustCompile(`(\w+)=`).FindAllStringSubmatch(in.args, -1) {
				defined[kv[1]] = true
			}
			if in.op == "ARG" && !strings.Contains(in.args, "=") {
				defined[strings.TrimSpace(in.args)] = true
			}
		case "RUN":
			for _, v := range regexp.MustCompile(`\$\{?(\w+)`).FindAllStringSubmatch(in.args, -1) {
				if !defined[v[1]] {
					t.Errorf("line %d: RUN uses $%s, which no earlier ARG or ENV defines", in.line, v[1])
				}
			}
			for _, script := range regexp.MustCompile(`\./scripts/[\w.-]+`).FindAllString(in.args, -1) {
				info, err := os.Stat(filepath.Join(root, script))
				if err != nil || info.Mode()&0o111 == 0 {
					t.Errorf("line %d: %s is missing or not executable", in.line, script)
				}
				sawSetup = sawSetup || strings.HasSuffix(script, "setup-notebooks.sh")
			}
			for _, pkg := range regexp.MustCompile(`\./cmd/[\w/]+`).FindAllString(in.args, -1) {
				if _, err := os.Stat(filepath.Join(root, pkg, "main.go")); err != nil {
					t.Errorf("line %d: %s has no main.go", in.line, pkg)
				}
			}
		case "CMD":
			if dir := regexp.MustCompile(`--notebook-dir=/opt/mvmr/([\w/]+)`).FindStringSubmatch(in.args); dir == nil {
				t.Errorf("line %d: CMD does not serve the notebooks folder", in.line)
			} else if _, err := os.Stat(filepath.Join(root, dir[1])); err != nil {
				t.Errorf("line %d: CMD serves %s, which does not exist", in.line, dir[1])
			}
		}
	}
	// Every notebook path the usage comments name exists.
	raw, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range regexp.MustCompile(`notebooks/[\w.-]+\.ipynb`).FindAllString(string(raw), -1) {
		if _, err := os.Stat(filepath.Join(root, path)); err != nil {
			t.Errorf("the Dockerfile's comments name %s, which does not exist", path)
		}
	}
	// COPY . . must not carry ./bin, the host's GoNB and goimports (setup-notebooks.sh builds them).
	ignore, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatalf("no .dockerignore: COPY . . would carry the host's bin/: %v", err)
	}
	if !regexp.MustCompile(`(?m)^/?bin/?$`).Match(ignore) {
		t.Errorf(".dockerignore does not leave out bin/")
	}
	if !sawFrom || !sawSimd || !sawSetup {
		t.Errorf("Dockerfile: FROM %v, ENV GOEXPERIMENT=simd %v, scripts/setup-notebooks.sh %v; expected all", sawFrom, sawSimd, sawSetup)
	}
}
