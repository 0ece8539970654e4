package datasets

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Augmentation policy names, as the official code's aug_policy setting. The official
// repository's AugTransform (src/transform/transform.py) defines "custom", "randaugment" and
// "autoaugment"; "cifar20", "cifar" and "mnist" are the policies of issue 3 for the small-image
// data sets, and the AutoAugment CIFAR-10 and SVHN variants complete torchvision's policies.
const (
	// PolicyCustom is the official default: RandomResizedCrop(size), RandomHorizontalFlip,
	// RandomApply([ColorJitter(0.8, 0.8, 0.8, 0.2)], p=0.8), RandomGrayscale(p=0.2),
	// GaussianBlur(2·⌊0.05·size⌋+1, σ ∈ [0.1, 2.0]).
	PolicyCustom = "custom"
	// PolicyCIFAR20 is, in the official order, RandomApply([ColorJitter(0.4, 0.4, 0.4, 0.1)],
	// p=0.8), RandomGrayscale(p=0.1), RandomResizedCrop(size, scale=(0.2, 1), ratio=(3/4,
	// 4/3), bicubic), RandomHorizontalFlip.
	PolicyCIFAR20 = "cifar20"
	// PolicyCIFAR is RandomCrop(size, padding=4), RandomHorizontalFlip.
	PolicyCIFAR = "cifar"
	// PolicyMNIST is the digits policy, DefaultDigitAugment: no flips.
	PolicyMNIST = "mnist"
	// PolicyNone only normalises.
	PolicyNone = "none"
	// PolicyRandAugment is the official RandomResizedCrop(size), then
	// RandAugment(num_ops=4, magnitude=10, num_magnitude_bins=31).
	PolicyRandAugment = "randaugment"
	// PolicyAutoAugment is the official RandomResizedCrop(size), then AutoAugment() (the
	// ImageNet policy).
	PolicyAutoAugment = "autoaugment"
	// PolicyAutoAugmentCIFAR10 and PolicyAutoAugmentSVHN are RandomResizedCrop(size), then
	// AutoAugment(AutoAugmentPolicy.CIFAR10) or AutoAugment(AutoAugmentPolicy.SVHN).
	PolicyAutoAugmentCIFAR10 = "autoaugment-cifar10"
	PolicyAutoAugmentSVHN    = "autoaugment-svhn"
)

// PolicyNames lists the policies NewPolicy knows.
var PolicyNames = []string{PolicyCustom, PolicyCIFAR20, PolicyCIFAR, PolicyMNIST, PolicyNone,
	PolicyRandAugment, PolicyAutoAugment, PolicyAutoAugmentCIFAR10, PolicyAutoAugmentSVHN}

// Policy hyper-parameters of the official code and torchvision defaults, read in one place.
const (
	// RandomResizedCrop defaults (torchvision): area fraction and aspect ratio ranges.
	DefaultCropScaleMin = 0.08
	DefaultCropRatioMin = 3.0 / 4
	DefaultCropRatioMax = 4.0 / 3
	// CIFAR20CropScaleMin is the cifar20 policy's smallest area fraction.
	CIFAR20CropScaleMin = 0.2
	// CIFARCropPadding is the cifar policy's zero padding before the random crop.
	CIFARCropPadding = 4
	// FlipProb is RandomHorizontalFlip's default probability.
	FlipProb = 0.5
	// BlurSigmaMin and BlurSigmaMax are GaussianBlur's default σ range.
	BlurSigmaMin = 0.1
	BlurSigmaMax = 2.0
)

// Pipeline is an augmentation policy: transforms applied in order to the image on the [0, 1]
// scale, then per-channel normalisation with the data set's Mean and Std (ToTensor +
// Normalize). Every parameter is drawn from the generator given to Augment, so per image.
type Pipeline struct {
	// Name is the policy name.
	Name string
	// Steps are the transforms, in order.
	Steps []Transform
}

// NewPolicy returns the named augmentation policy for square images of side size.
func NewPolicy(name string, size int) (Augmenter, error) {
	if size < 1 {
		return nil, fmt.Errorf("augment.size = %d; expected >= 1", size)
	}
	switch name {
	case PolicyCustom:
		return &Pipeline{Name: name, Steps: []Transform{
			defaultResizedCrop(size),
			RandomHorizontalFlip{P: FlipProb},
			RandomApply{Transform: ColorJitter{0.8, 0.8, 0.8, 0.2}, P: 0.8},
			RandomGrayscale{P: 0.2},
			RandomGaussianBlur{Kernel: BlurKernelSize(size), Sigma: [2]float64{BlurSigmaMin, BlurSigmaMax}},
		}}, nil
	case PolicyCIFAR20:
		// The official order (src/transform/transform.py): colour first, on the full image.
		return &Pipeline{Name: name, Steps: []Transform{
			RandomApply{Transform: ColorJitter{0.4, 0.4, 0.4, 0.1}, P: 0.8},
			RandomGrayscale{P: 0.1},
			RandomResizedCrop{Size: size, Scale: [2]float64{CIFAR20CropScaleMin, 1}, Ratio: [2]float64{DefaultCropRatioMin, DefaultCropRatioMax}, Interpolation: Bicubic},
			RandomHorizontalFlip{P: FlipProb},
		}}, nil
	case PolicyCIFAR:
		return &Pipeline{Name: name, Steps: []Transform{
			RandomCrop{Size: size, Padding: CIFARCropPadding},
			RandomHorizontalFlip{P: FlipProb},
		}}, nil
	case PolicyMNIST:
		return DefaultDigitAugment(), nil
	case PolicyNone:
		return &Pipeline{Name: name}, nil
	case PolicyRandAugment:
		return &Pipeline{Name: name, Steps: []Transform{defaultResizedCrop(size),
			RandAugment{NumOps: OfficialRandAugmentOps, Magnitude: OfficialRandAugmentMagnitude, Bins: DefaultRandAugmentBins}}}, nil
	case PolicyAutoAugment, PolicyAutoAugmentCIFAR10, PolicyAutoAugmentSVHN:
		policy := map[string]AutoAugmentPolicy{PolicyAutoAugment: AutoAugmentImageNet,
			PolicyAutoAugmentCIFAR10: AutoAugmentCIFAR10, PolicyAutoAugmentSVHN: AutoAugmentSVHN}[name]
		return &Pipeline{Name: name, Steps: []Transform{defaultResizedCrop(size), AutoAugment{Policy: policy}}}, nil
	}
	return nil, fmt.Errorf("augment.policy = %q; expected one of %s", name, strings.Join(PolicyNames, ", "))
}

// defaultResizedCrop is torchvision's RandomResizedCrop(size) with its default scale, ratio and
// bilinear interpolation.
func defaultResizedCrop(size int) RandomResizedCrop {
	return RandomResizedCrop{Size: size, Scale: [2]float64{DefaultCropScaleMin, 1}, Ratio: [2]float64{DefaultCropRatioMin, DefaultCropRatioMax}}
}

// String lists the steps as torchvision calls.
func (p *Pipeline) String() string {
	s := make([]string, len(p.Steps))
	for i, t := range p.Steps {
		s[i] = t.String()
	}
	return p.Name + ": " + strings.Join(s, ", ")
}

// Apply runs the steps on a copy of image i of data and returns the picture on the [0, 1]
// scale, before normalisation.
func (p *Pipeline) Apply(data *Dataset, i int, rng *rand.Rand) *Picture {
	src := data.Image(i)
	pic := &Picture{Height: data.Height, Width: data.Width, Channels: data.Channels, Pix: make([]float32, len(src))}
	for k, v := range src {
		pic.Pix[k] = float32(v) / 255
	}
	p.run(pic, rng)
	return pic
}

// run applies the steps to pic in order.
func (p *Pipeline) run(pic *Picture, rng *rand.Rand) {
	for _, t := range p.Steps {
		t.Apply(pic, rng)
	}
}

// Augment implements Augmenter. A step that leaves the picture at another size than the data
// set's (a crop size that does not match) is caught by CheckShape before training; here the
// picture is resized back so that nothing panics.
func (p *Pipeline) Augment(dst []float32, data *Dataset, i int, rng *rand.Rand) {
	pic := p.Apply(data, i, rng)
	p.fitTo(pic, data)
	c := data.Channels
	for k, v := range pic.Pix {
		ch := k % c
		dst[k] = (v - data.Mean[ch]) / data.Std[ch]
	}
}

// fitTo resizes pic back to the data set's size when a step changed it.
func (p *Pipeline) fitTo(pic *Picture, data *Dataset) {
	if pic.Height != data.Height || pic.Width != data.Width {
		out := make([]float32, data.Height*data.Width*pic.Channels)
		Resample(out, data.Height, data.Width, pic.Pix, pic.Height, pic.Width, pic.Channels,
			0, 0, float64(pic.Height), float64(pic.Width), Bilinear)
		pic.Pix = out
		pic.Height, pic.Width = data.Height, data.Width
	}
}

// OnNormalized is a Pipeline applied as the official self-supervised module applies its
// self._transform for the full_img_augment and aug_* representations: to the normalised image
// tensor (ToTensor + Normalize done), with nothing after. Its colour operations then clamp the
// normalised values to [0, 1], as torchvision's do on any float tensor.
type OnNormalized struct{ Pipeline *Pipeline }

// Augment implements Augmenter: dst is the pipeline applied to the normalised image i.
func (o OnNormalized) Augment(dst []float32, data *Dataset, i int, rng *rand.Rand) {
	pic := &Picture{Height: data.Height, Width: data.Width, Channels: data.Channels, Pix: make([]float32, data.ImageSize())}
	data.Normalize(pic.Pix, i)
	o.Pipeline.run(pic, rng)
	o.Pipeline.fitTo(pic, data)
	copy(dst, pic.Pix)
}

// OfficialFreshView returns the official self._transform (self_supervised_module.py
// get_feature_extraction: the custom policy at the image side) on the normalised image.
func OfficialFreshView(size int) (Augmenter, error) {
	p, err := NewPolicy(PolicyCustom, size)
	if err != nil {
		return nil, err
	}
	return OnNormalized{Pipeline: p.(*Pipeline)}, nil
}

// CheckShape reports whether the policy produces images of the data set's shape.
func (p *Pipeline) CheckShape(data *Dataset) error {
	for _, t := range p.Steps {
		size := 0
		switch t := t.(type) {
		case RandomResizedCrop:
			size = t.Size
		case RandomCrop:
			size = t.Size
		}
		if size != 0 && (size != data.Height || size != data.Width) {
			return fmt.Errorf("augment policy %s: %s gives %d×%d images but %s holds %d×%d images",
				p.Name, t, size, size, data.Name, data.Height, data.Width)
		}
	}
	return nil
}
