// Package notebooks holds the kit's GoNB notebooks (*.ipynb), the helpers they share, and the
// test that executes them headless and checks their outputs.
//
// The helpers keep the notebooks' cells short: Settings as flags on a cell's `%%` line (Define,
// NewRun, Load; MVMR_QUICK=1 switches every notebook to its quick settings), any run config
// cell by cell (DefineConfig: --config and --set as `mvmr train` takes them; ConfigRun's
// Describe, TimeSteps, Train with --budget and resume, History, Results), the toy data of the
// dCor lesson (ToyPairs, Measure, MeasureToyGrid; Playground, GoNB widgets with a headless
// notice; FitByDCor, points moved by gradient steps on 1 − dCor, read with FitSimilarity's
// Procrustes fit), the measured run time (SinceSettingsCell), training loss variants side by side with the trainer's
// monitors (TermVariants, AblationVariants, RunVariant), their results (SaveResults,
// WriteResultsCSV, Summarize, MergeSeries).
//
// Headless execution (Execute, Check, ToHTML) lives in internal/nbexec, which the test here and
// `mvmr notebook` share.
//
// Set up Jupyter and the GoNB kernel with scripts/setup-notebooks.sh. TestNotebooksExecute runs
// every notebook in name order (05_report reads the runs of 01-03) with MVMR_QUICK=1 unless
// MVMR_QUICK is set (MVMR_QUICK=0: the notebooks' defaults), with their runs in a temporary
// folder (MVMR_RUNS) rather than the reader's; MVMR_NOTEBOOK=NAME.ipynb runs one.
// It is skipped when Jupyter or the kernel is missing, unless MVMR_REQUIRE_NOTEBOOKS=1 (as
// scripts/test.sh sets it), and with -short.
package notebooks
