// Package plotting draws the kit's figures with gonum/plot from plain data (a History, slices):
// it does not depend on GoMLX. One figure per file, each a function that validates its input
// (empty, NaN, mismatched lengths are errors, never panics) and returns a [Figure]:
//
//   - [LossComponents]: every named loss term over the steps, raw and smoothed.
//   - [Embedding2D]: a t-SNE or PCA scatter coloured by class, legend of class names.
//   - [Ablation]: mean score per configuration with error bars over seeds, sorted, baseline line.
//   - [DCorTraces]: dCor(embedding, representation) over training, one line per representation.
//   - [DCorHeatmap]: dCor between representations, values printed in the cells.
//   - [Collapse]: per-dimension std (min, mean) and effective rank over steps, two panels.
//   - [Grid] and [Pairs]: sample images with captions; original and augmented views side by side.
//
// [Save] writes a figure to PNG, SVG or PDF chosen by the file extension (atomically), [Render]
// returns the bytes, and [Show] displays it inline in a GoNB notebook:
//
//	fig, err := plotting.Embedding2D(xy, labels, plotting.Embedding2DOptions{ClassNames: names, Method: "t-SNE"})
//	if err != nil { ... }
//	plotting.Show(fig)                   // inline in the notebook (PNG)
//	plotting.Save(fig, "out/tsne.svg")   // and as a file
//
// Series keep the names the trainer gives them: the legend of LossComponents reads "mse",
// "std", "dcor_zz", "dcor/image", ... and that of DCorTraces "dcor_diag/hog", ..., exactly as
// History and the progress line do.
package plotting
