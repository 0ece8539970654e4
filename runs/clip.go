package runs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mvmr-ssl/mvmr-go/mvmr"
	"github.com/mvmr-ssl/mvmr-go/mvmr/reps"
)

// CLIP distillation: an official config with a clip section (configs/*_clip_self_supervised.yaml)
// trains the official CLIPSelfSupervisedModule's loss (clip_self_supervised_module.py, step):
//
//	loss = MSE(z_orig, z) + STD + (1 − dc(z_orig/32, z/32)) + (1 − dc(z/32, clip(im_orig)/32))
//
// that is this kit's mse, std and dcor_zz terms (weight 1) and the teacher term in maximize mode,
// with z the augmented view's embedding and the teacher's input the original view (the official
// ValTransform output, normalised with the data set's statistics, resized bilinearly to 224).
// None of the self-supervised step's L3 terms (image, scatnet, augmented, hog, std) is trained.
// There is no CLIP in Go: the teacher is CLIP's image tower given as an .npy table of its
// embeddings of the training images (scripts/clip_teacher.py makes it with open_clip) or as an
// ONNX export of it (clip.teacher).

// CLIPConfig holds the official clip.* keys and the kit's clip.teacher.
type CLIPConfig struct {
	// ModelName and Pretrained are open_clip's create_model arguments (official keys), such as
	// ViT-B-16 and laion400m_e32; they name the teacher file and the script's model.
	ModelName  string `yaml:"model_name,omitempty"`
	Pretrained string `yaml:"pretrained,omitempty"`
	// Teacher is the teacher's file: an .npy table of CLIP embeddings (one row per training
	// image, in the kit's data set order) or an .onnx image model; empty: DefaultCLIPTeacher.
	Teacher string `yaml:"teacher,omitempty"`
}

// enabled says whether the config distils from CLIP.
func (c CLIPConfig) enabled() bool { return c.ModelName != "" }

// CLIPTeacherScript is the script that writes the .npy teacher table with open_clip.
const CLIPTeacherScript = "scripts/clip_teacher.py"

// DefaultCLIPTeacher is the teacher table a CLIP config without clip.teacher reads, relative to
// the working directory: clip-MODEL-PRETRAINED-DATASET-SPLIT[-LIMIT].npy, such as
// clip-ViT-B-16-laion400m_e32-stl10-train+unlabeled.npy.
func (c Config) DefaultCLIPTeacher() string {
	split := c.Dataset.TrainSplit
	if split == "" {
		split = "train"
	}
	name := fmt.Sprintf("clip-%s-%s-%s-%s", c.CLIP.ModelName, c.CLIP.Pretrained, c.Dataset.Name, split)
	if c.Dataset.Limit > 0 {
		name += fmt.Sprintf("-limit%d", c.Dataset.Limit)
	}
	return strings.NewReplacer("/", "_", " ", "_").Replace(name) + ".npy"
}

// clipTeacherPath is clip.teacher, or DefaultCLIPTeacher.
func (c Config) clipTeacherPath() string {
	if c.CLIP.Teacher != "" {
		return c.CLIP.Teacher
	}
	return c.DefaultCLIPTeacher()
}

// clipTeacherTerm is the representation the CLIP distillation trains: the teacher of the kind the
// file's extension names, in maximize mode (1 − dCor), weight 1.
func (c Config) clipTeacherTerm() Representation {
	path := c.clipTeacherPath()
	kind := mvmr.TeacherNPY
	if strings.EqualFold(filepath.Ext(path), ".onnx") {
		kind = mvmr.TeacherONNX
	}
	return Representation{Name: mvmr.TeacherName, Weight: 1, Mode: string(mvmr.ModeMaximize),
		Params: reps.Params{mvmr.ParamTeacherKind: kind, mvmr.ParamTeacherPath: path}}
}

// clipBeforeDecode prepares a config map with a clip section: its representations, when absent,
// are "none" here and become the teacher term after decoding (withCLIP), so that the official
// self-supervised L3 terms are not added; weights and l3_mode are the official module's.
func clipBeforeDecode(m map[string]any) {
	if section, ok := m["clip"].(map[string]any); !ok || section["model_name"] == nil {
		return
	}
	if _, set := m["representations"]; !set {
		m["representations"] = NoRepresentations
	}
}

// withCLIP completes a decoded config with a clip section: the teacher term as its one
// representation, and a notice saying what trains. A config that names other representations
// beside clip is refused: it would train a loss the official CLIP module does not have.
func (c Config) withCLIP(l *Loaded) (Config, error) {
	if !c.CLIP.enabled() {
		return c, nil
	}
	switch {
	case len(c.Representations) == 0:
		c.Representations = Representations{c.clipTeacherTerm()}
	case len(c.Representations) == 1 && c.Representations[0].Name == mvmr.TeacherName:
	default:
		return c, fmt.Errorf("representations = %s with clip.model_name = %s: the official CLIP distillation trains mse, std, dcor_zz and the "+
			"CLIP teacher term only; remove representations (or the clip section)", c.Representations.Label(), c.CLIP.ModelName)
	}
	if c.Weights != (Weights{MSE: 1, Std: 1, DCorZZ: 1}) {
		l.Notices = append(l.Notices, fmt.Sprintf("weights = %+v: the official CLIP module weighs mse, std and dcor_zz 1 each", c.Weights))
	}
	l.Notices = append(l.Notices, fmt.Sprintf("clip.model_name = %s: the official CLIP module's learning rate is not reproduced "+
		"(constant for warmup_epochs, then CosineAnnealingLR with T_max = one epoch of batches, stepped in training and validation steps "+
		"and once more per epoch by Lightning, so it oscillates); this run uses scheduler = %s", c.CLIP.ModelName, c.Scheduler))
	l.Notices = append(l.Notices, fmt.Sprintf("clip.model_name = %s: trains the official CLIP distillation, mse + std + dcor_zz + %s "+
		"(1 − dCor(z~/32, CLIP(x)/32)), teacher %s; not the self-supervised L3 terms", c.CLIP.ModelName, mvmr.TermTeacher, c.Representations[0].Params[mvmr.ParamTeacherPath]))
	return c, nil
}

// ErrCLIPTeacherMissing is the error (wrapped) of a CLIP config whose teacher file is missing.
var ErrCLIPTeacherMissing = errors.New("CLIP teacher file missing")

// checkCLIPTeacher returns one line naming the teacher file a CLIP config needs and how to make
// it, when that file does not exist.
func (c Config) checkCLIPTeacher() error {
	if !c.CLIP.enabled() || len(c.Representations) != 1 {
		return nil
	}
	path, _ := c.Representations[0].Params[mvmr.ParamTeacherPath].(string)
	if path == "" {
		return nil
	}
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	split := c.Dataset.TrainSplit
	if split == "" {
		split = "train"
	}
	command := fmt.Sprintf("python3 %s --model %s --pretrained %s --dataset %s --split %s", CLIPTeacherScript,
		c.CLIP.ModelName, c.CLIP.Pretrained, c.Dataset.Name, split)
	if c.Dataset.Path != "" {
		command += " --data-path " + c.Dataset.Path
	}
	if c.Dataset.Limit > 0 {
		command += fmt.Sprintf(" --limit %d", c.Dataset.Limit)
	}
	return fmt.Errorf("%w: clip.model_name = %s needs the teacher file %s (there is no CLIP in Go): make it with "+
		"%s --out %s (open_clip; one row of CLIP embeddings per training image, in the kit's order), or set clip.teacher "+
		"to an existing .npy table or .onnx model of CLIP's image encoder", ErrCLIPTeacherMissing, c.CLIP.ModelName, abs, command, abs)
}
