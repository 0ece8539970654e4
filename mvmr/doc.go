// Package mvmr implements MV-MR self-supervised learning (multi-views and multi-representations)
// on GoMLX: the loss, the trainer, checkpoints, monitors and the evaluation protocols. See
// details and examples in NewTrainer, QuickstartConfig and ResumeOrNew.
//
// The encoder's layers are in the sub-package nn, the representations (the targets of the L3
// terms) and their feature cache in reps; Representations returns reps' table with the
// distillation teacher added; the distance-correlation statistics of the diagnostics (unbiased,
// partial, permutation tests) in dcorstat. Where to look here:
//
//   - config.go, augment.go: Config, everything that defines a run, and its augmentation;
//     quickstart.go the quickstart's settings.
//   - loss.go, loss_groups.go, dcor.go: the loss terms (mse, std, dcor_zz, one dcor/<name> per
//     representation), their weighting, the per-group loss of the official multi-GPU training,
//     and the distance correlation.
//   - trainer.go: Trainer (NewTrainer, Train, Features, Embeddings); dataparallel.go several
//     devices; steptimer.go timing; paramcount.go parameter counts.
//   - optimizer.go (config and dispatcher), schedule.go (the kit's and the official
//     learning-rate schedules), optimizer_adam.go, optimizer_sgd.go (SGD and LARS).
//   - checkpoint.go, checkpoint_header.go (the header's checksum and strict decoding),
//     checkpoint_history.go, session.go, export.go, export_onnx.go: Save,
//     LoadTrainer, ResumeOrNew, the exported embeddings (.npy) and the encoder as an ONNX model.
//   - monitor.go (Monitor, AddDefaultMonitors), step_view.go (StepView: all a monitor sees of a
//     step), monitor_state.go (checkpointed monitor state), dcor_monitor.go, collapse_monitor.go,
//     collapse.go, online_probe.go: monitors run during training, and the collapse measures.
//   - evaluate.go (Evaluate, the protocols by name), probe.go, probe_encoder.go, knn.go,
//     semisup.go, semisup_sample.go, results.go: linear probe, kNN, semi-supervised
//     fine-tuning, t-SNE, and their result rows.
//   - representations.go, teacher*.go, distill.go: the registry of representations and the
//     distillation teacher (a checkpoint, an .npy table or an ONNX model; teacher_onnx_check.go
//     checks an ONNX file's sizes before it is parsed).
//   - backend.go, backend_xla.go: NewBackend and the environment variables read at the edge
//     (GOMLX_BACKEND, MVMR_CONV); arrays.go dCor and representations of .npy arrays.
package mvmr
