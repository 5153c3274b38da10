package procstat

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// userHZ is the unit of /proc's CPU times: clock ticks of 1/100 s on
// Linux whatever the kernel's own tick.
const userHZ = 100

// ProcessCPU is the user and system CPU time process pid has used so far,
// read from /proc/pid/stat (to 10 ms).
func ProcessCPU(pid int) (time.Duration, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// the command name, field 2, is parenthesized and may hold spaces:
	// the fields after it start at the last ')'
	s := string(raw)
	end := strings.LastIndexByte(s, ')')
	if end < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(s[end+1:])
	// f[0] is field 3 (state); utime and stime are fields 14 and 15
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields after the name", pid, len(f))
	}
	utime, err1 := strconv.ParseUint(f[11], 10, 64)
	stime, err2 := strconv.ParseUint(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: utime %q, stime %q", pid, f[11], f[12])
	}
	return time.Duration(utime+stime) * time.Second / userHZ, nil
}

// ProcessResident is process pid's resident set now, in bytes.
func ProcessResident(pid int) (uint64, error) {
	resident, _, err := statm(fmt.Sprintf("/proc/%d/statm", pid))
	return resident, err
}
