//go:build !unix

package console

import "os"

func termWidth(*os.File) int { return 0 }
