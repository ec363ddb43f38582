//go:build !linux

package main

import "github.com/chromedp/chromedp"

// browserProcessGroup is chromedp's default outside Linux.
func browserProcessGroup() chromedp.ExecAllocatorOption { return func(*chromedp.ExecAllocator) {} }

// killBrowserGroup has nothing to do outside Linux: the profile's removal
// retries instead.
func killBrowserGroup(int) error { return nil }
