// Package notebooks holds the kit's GoNB notebooks (*.ipynb) and the test that executes them
// headless with `jupyter nbconvert --execute` and checks their outputs.
//
// Set up Jupyter and the GoNB kernel with scripts/setup-notebooks.sh; the test is skipped when
// they are missing, unless MVMR_REQUIRE_NOTEBOOKS=1 (as scripts/test.sh sets it), and with -short.
package notebooks
