// Package plotting draws the kit's figures with gonum/plot from plain data (a History, slices):
// it does not depend on GoMLX. One figure per file; each returns a *plot.Plot that Save writes to
// PNG, SVG or PDF (chosen by the file extension) and Show displays inline in a GoNB notebook.
//
// Series keep the names the trainer gives them: the legend of LossComponents reads "mse",
// "std", "dcor_zz", "dcor/image", ... exactly as History and the progress line do.
package plotting
