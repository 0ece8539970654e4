// Package synthfolder writes small synthetic ImageNet-style class folders for tests: one
// sub-folder per class, each holding tiny PNG images whose pixels encode the class, so that a
// test can check that every image kept its label through a loader.
package synthfolder

import (
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
)

// ClassName is the folder name of class c: "c000", "c001", ...; zero-padded so that the sorted
// folder names list the classes in index order.
func ClassName(c int) string { return fmt.Sprintf("c%03d", c) }

// OneHot writes root/<ClassName(c)>/<i>.png for numClasses classes and perClass images each:
// side×side opaque RGB images whose values, read in HWC order (pixel-major, then R, G, B), are
// all background except value number c, which is hot. Class c's images are thus the one-hot
// vector e_c scaled, over side·side·3 values, which must hold numClasses.
func OneHot(root string, numClasses, perClass, side int, hot, background uint8) error {
	if numClasses < 1 || perClass < 1 || side < 1 || numClasses > side*side*3 {
		return fmt.Errorf("synthfolder: %d classes of %d images at side %d; expected positive sizes and at most side²·3 = %d classes",
			numClasses, perClass, side, side*side*3)
	}
	for c := range numClasses {
		img := image.NewNRGBA(image.Rect(0, 0, side, side))
		for p := range side * side {
			copy(img.Pix[4*p:], []uint8{background, background, background, 255})
		}
		img.Pix[4*(c/3)+c%3] = hot
		dir := filepath.Join(root, ClassName(c))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("synthfolder: %w", err)
		}
		for i := range perClass {
			if err := writePNG(filepath.Join(dir, fmt.Sprintf("%d.png", i)), img); err != nil {
				return err
			}
		}
	}
	return nil
}

// writePNG encodes img to path.
func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("synthfolder: %w", err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("synthfolder: encoding %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("synthfolder: %w", err)
	}
	return nil
}

// ImageNet writes the official ImageNet layout, root/train/<wnid>/<i>.JPEG and
// root/val/<wnid>/<i>.JPEG, perClass JPEG images of side×side per class and split: class c's
// images are filled with the colour (40c mod 256, 255 − 40c mod 256, 128) plus seeded noise of
// ±noise, so that a test can tell the classes apart and the images have texture to learn.
func ImageNet(root string, wnids []string, perClass, side, noise int, seed uint64) error {
	rng := seed | 1
	next := func() int { // xorshift64: reproducible noise without math/rand
		rng ^= rng << 13
		rng ^= rng >> 7
		rng ^= rng << 17
		return int(rng % uint64(2*noise+1))
	}
	clamp := func(v int) uint8 { return uint8(min(max(v, 0), 255)) }
	for _, split := range []string{"train", "val"} {
		for c, wnid := range wnids {
			dir := filepath.Join(root, split, wnid)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("synthfolder: %w", err)
			}
			base := [3]int{40 * c % 256, 255 - 40*c%256, 128}
			for i := range perClass {
				img := image.NewNRGBA(image.Rect(0, 0, side, side))
				for p := range side * side {
					for ch := range 3 {
						img.Pix[4*p+ch] = clamp(base[ch] + next() - noise)
					}
					img.Pix[4*p+3] = 255
				}
				if err := writeJPEG(filepath.Join(dir, fmt.Sprintf("%d.JPEG", i)), img); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// writeJPEG encodes img to path at quality 95.
func writeJPEG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("synthfolder: %w", err)
	}
	if err := jpeg.Encode(f, img, &jpeg.Options{Quality: 95}); err != nil {
		f.Close()
		return fmt.Errorf("synthfolder: encoding %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("synthfolder: %w", err)
	}
	return nil
}
