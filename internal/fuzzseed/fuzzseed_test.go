package fuzzseed

import "testing"

func TestMarshalWritesGoCorpusFormat(t *testing.T) {
	got, err := Marshal([]byte("a\x00\"b"), "--set k=v", 3, uint8(7), true)
	if err != nil {
		t.Fatal(err)
	}
	want := "go test fuzz v1\n[]byte(\"a\\x00\\\"b\")\nstring(\"--set k=v\")\nint(3)\nbyte('\\a')\nbool(true)\n"
	if string(got) != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if _, err := Marshal(struct{}{}); err == nil {
		t.Error("a struct value: no error")
	}
}
