package datasets

// Splits returns the splits [Open] reads for the named data set, in order; "folder" has one
// (its folder, whatever OpenOptions.Split says), stl10's "train+unlabeled" is left out (it is
// train and unlabeled together).
func Splits(name string) []string {
	switch name {
	case "stl10":
		return []string{SplitTrain, SplitTest, "unlabeled"}
	case "folder":
		return []string{SplitTrain}
	}
	return []string{SplitTrain, SplitTest}
}
