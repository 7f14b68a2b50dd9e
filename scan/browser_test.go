//go:build linux

package scan

import (
	"bytes"
	"context"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestHTMLInBrowser renders the HTML report in headless Chromium (Debian's
// package) and checks the screenshot: a blank or broken page has a handful
// of colours at most, and the charts' colours must be on screen. Set
// AIGUARD_SCREENSHOT_DIR to keep the screenshot.
func TestHTMLInBrowser(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (apt-get install -y chromium); the HTML report is not checked in a browser")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	var buf bytes.Buffer
	if err := WriteHTML(&buf, reportSummary(t)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "report.png")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--screenshot="+shot, "--window-size=1280,900",
		"file://"+page)
	// Chromium starts helper processes: end the whole group on a timeout.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode screenshot: %v", err)
	}
	if keep := os.Getenv("AIGUARD_SCREENSHOT_DIR"); keep != "" {
		data, _ := os.ReadFile(shot)
		if err := os.WriteFile(filepath.Join(keep, "scan-report.png"), data, 0o644); err != nil {
			t.Error(err)
		}
	}
	b := img.Bounds()
	if b.Dx() != 1280 || b.Dy() != 900 {
		t.Errorf("screenshot is %dx%d, want 1280x900", b.Dx(), b.Dy())
	}
	colours := map[color.RGBA]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 255}]++
		}
	}
	if len(colours) < 20 {
		t.Errorf("the screenshot has %d distinct colours; the page looks blank", len(colours))
	}
	total := b.Dx() * b.Dy()
	for _, c := range colours {
		if c > total*98/100 {
			t.Errorf("one colour covers %d%% of the screenshot; the page looks blank", c*100/total)
		}
	}
	for name, hex := range map[string]string{"compliant": colorCompliant, "non-compliant": colorNonCompliant,
		"not applicable": colorNotApplicable} {
		want := parseHex(hex)
		if n := countNear(colours, want); n < 200 {
			t.Errorf("the chart's %s colour %s covers %d pixels; the chart did not render", name, hex, n)
		}
	}
}

func parseHex(s string) color.RGBA {
	var c color.RGBA
	c.A = 255
	hexByte := func(i int) uint8 {
		var v uint8
		for _, ch := range s[i : i+2] {
			v <<= 4
			switch {
			case ch >= '0' && ch <= '9':
				v |= uint8(ch - '0')
			case ch >= 'a' && ch <= 'f':
				v |= uint8(ch-'a') + 10
			}
		}
		return v
	}
	c.R, c.G, c.B = hexByte(1), hexByte(3), hexByte(5)
	return c
}

// countNear counts pixels within 3 of c in every channel (colour
// management may shift a value by one or two).
func countNear(colours map[color.RGBA]int, c color.RGBA) int {
	near := func(a, b uint8) bool { return a-b <= 3 || b-a <= 3 }
	n := 0
	for k, v := range colours {
		if near(k.R, c.R) && near(k.G, c.G) && near(k.B, c.B) {
			n += v
		}
	}
	return n
}
