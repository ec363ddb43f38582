package main

import (
	"errors"
	"os/exec"
	"syscall"

	"github.com/chromedp/chromedp"
)

// browserProcessGroup starts Chromium in a process group of its own, so the
// test can end all of its helper processes (network, storage, renderers) by
// the group's id when it is done: some outlive the browser's graceful exit
// for a moment and keep writing to the profile directory.
func browserProcessGroup() chromedp.ExecAllocatorOption {
	return chromedp.ModifyCmdFunc(func(cmd *exec.Cmd) {
		if cmd.SysProcAttr == nil {
			cmd.SysProcAttr = &syscall.SysProcAttr{}
		}
		cmd.SysProcAttr.Setpgid = true
		// What chromedp does by default on Linux: if the test binary dies,
		// the browser dies with it.
		cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	})
}

// killBrowserGroup ends what is left of the process group browserProcessGroup
// started, whose id is the browser's pid.
func killBrowserGroup(pid int) error {
	if err := syscall.Kill(-pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	return nil
}
