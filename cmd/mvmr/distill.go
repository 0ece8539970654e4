package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/internal/atomicfile"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
)

func runDistill(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("distill", flag.ContinueOnError)
	shared := addDistillFlags(fs, distillFlagText{
		teacher: "the teacher, KIND:PATH with KIND checkpoint (a file saved by this kit), npy (an (N, D) embedding table in MNIST train order) or onnx (an image model)",
		student: "student encoder CHANNELS/PROJECTOR (3x3 stride-2 convolutions, flattened h)",
		steps:   "training steps (a run resumed from OUT/checkpoint.mvmr trains up to this step)",
		reps:    "representations kept beside the teacher, comma-separated (e.g. image,std); empty: the teacher alone, as the official CLIP distillation",
	})
	var params paramFlags
	fs.Var(&params, "param", "teacher parameter key=value (repeatable): output=h|z (checkpoint) or an output name (onnx), size, mean, std, input, scale")
	batch := fs.Int("batch", 256, "batch size")
	seed := fs.Int64("seed", 1, "seed of the weights, data order, augmentations and probe")
	every := fs.Int("checkpoint-every", 100, "save OUT/checkpoint.mvmr every this many steps (0: only at the end)")
	probe := fs.Bool("probe", true, "fit a linear probe on the student's h (MNIST train → test) at the end")
	out := fs.String("out", "mvmr-distill", "output folder: checkpoint.mvmr, history.csv")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mvmr distill -teacher KIND:PATH [flags]\n\nTrains the student with L1 + L2 + (1 − dCor(z~, teacher)) on the embedded MNIST (the official CLIP\n"+
			"distillation with any teacher), resuming from OUT/checkpoint.mvmr when it exists.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInput("unexpected arguments %q", fs.Args())
	}
	if *shared.teacher == "" {
		return badInput("-teacher is required (KIND:PATH)")
	}
	setup, err := shared.setup()
	if err != nil {
		return err
	}
	steps := setup.steps
	if steps < 1 || *every < 0 {
		return badInput("-steps = %d, -checkpoint-every = %d; expected steps >= 1 and checkpoint-every >= 0", steps, *every)
	}
	config := setup.config(params.params, setup.reps)
	config.BatchSize, config.Seed = *batch, *seed
	if err := config.Validate(); err != nil {
		return usageError{err}
	}
	train, test, err := datasets.LoadMNISTTrainTest()
	if err != nil {
		return err
	}
	checkpoint := filepath.Join(*out, "checkpoint.mvmr")
	trainer, err := mvmr.ResumeOrNew(checkpoint, config, train)
	if err != nil {
		return usageError{err}
	}
	defer trainer.Close()
	trainer.Progress = stdout
	done := int(trainer.Step())
	fmt.Fprintf(stdout, "distilling %s:%s into %s (h %d-d) on %s, steps %d → %d, backend %s\n", setup.teacherKind, setup.teacherPath,
		*shared.student, setup.encoder.HDim(train.Height, train.Width), train.Name, done, steps, mvmr.BackendConfig())
	start := time.Now()
	for done < steps {
		n := steps - done
		if *every > 0 {
			n = min(n, *every)
		}
		if err := trainer.Train(n); err != nil {
			return err
		}
		done += n
		if err := trainer.Save(checkpoint); err != nil {
			return err
		}
		if err := atomicfile.Write(filepath.Join(*out, "history.csv"), trainer.History().WriteCSV); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "saved %s at step %d\n", checkpoint, done)
	}
	backbone, total := trainer.ParameterCount()
	fmt.Fprintf(stdout, "student: %d parameters (%d in the backbone); trained in %s\n", total, backbone, time.Since(start).Round(time.Second))
	if *probe {
		probeConfig := mvmr.DefaultProbeConfig()
		probeConfig.Seed = *seed
		e, err := trainer.ProbeEncoder("distilled student", train, test, probeConfig)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "linear probe on the student's h (%d-d): top-1 %.2f %%, top-5 %.2f %%\n", e.Dim, 100*e.Top1, 100*e.Top5)
	}
	return nil
}
