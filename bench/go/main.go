// SPDX-License-Identifier: GPL-2.0

// Command gomap runs the benchmark's workload on a Go map[string]*User,
// the structure of the article that started softmap, and prints the
// benchmark's lines (see bench/src/workload.h, which this file mirrors:
// same keys, values, delete order and order hash).
//
//	gomap [-n OBJECTS] [-s SETTLE_MS]
//
// Memory held: the process's RSS (VmRSS, the main figure) and the
// runtime's HeapInuse.  The collector runs before each reading
// (runtime.GC, as it would by itself within two minutes), so garbage and
// deleted objects are counted as freed.  Pressure, Go's own best effort:
// debug.FreeOSMemory, a collection that returns every free page it can.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

const (
	keyLen  = 16
	valLen  = 100
	batches = 10
	seed    = uint64(0x736f66746d6170) // "softmap"
)

// User is the article's value type: 100 bytes of payload.
type User struct {
	Data [valLen]byte
}

type workload struct {
	n, ndel uint32
	order   []uint32
	settle  time.Duration
}

func splitmix64(state *uint64) uint64 {
	*state += 0x9e3779b97f4a7c15
	z := *state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func newWorkload(n uint32, settle time.Duration) *workload {
	w := &workload{n: n, ndel: n / 10 * 9 / batches * batches, settle: settle}
	w.order = make([]uint32, n)
	for i := range w.order {
		w.order[i] = uint32(i)
	}
	state := seed
	for i := n - 1; i > 0; i-- {
		j := uint32(splitmix64(&state) % (uint64(i) + 1))
		w.order[i], w.order[j] = w.order[j], w.order[i]
	}
	return w
}

func (w *workload) orderHash() uint64 {
	h := uint64(0xcbf29ce484222325)
	for _, v := range w.order[:w.ndel] {
		for b := 0; b < 4; b++ {
			h ^= uint64((v >> (8 * b)) & 0xff)
			h *= 0x100000001b3
		}
	}
	return h
}

func (w *workload) batchStart(b uint32) uint32 {
	return w.ndel / batches * b
}

func key(i uint32) string {
	return fmt.Sprintf("key:%012d", i)
}

func value(i uint32, u *User) {
	p := fmt.Sprintf("val:%012d:", i)
	copy(u.Data[:], p)
	for j := len(p); j < valLen; j++ {
		u.Data[j] = byte('a' + (i*31+uint32(j))%26)
	}
}

// vmRSS returns VmRSS of this process in bytes, or -1.
func vmRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := s.Text()
		if strings.HasPrefix(line, "VmRSS:") {
			fields := strings.Fields(line)
			if len(fields) >= 2 {
				kb, err := strconv.ParseInt(fields[1], 10, 64)
				if err == nil {
					return kb * 1024
				}
			}
		}
	}
	return -1
}

func report(step, format string, args ...interface{}) {
	fmt.Printf("BENCH go "+step+" "+format+"\n", args...)
}

func measure(step string, live int) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rss := vmRSS()
	report(step, "main=%d rss=%d heap_inuse=%d heap_sys=%d heap_released=%d live=%d",
		rss, rss, ms.HeapInuse, ms.HeapSys, ms.HeapReleased, live)
}

func main() {
	n := flag.Uint("n", 1000000, "objects")
	settleMs := flag.Uint("s", 1000, "pause before each measurement, in ms")
	flag.Parse()
	if *n < 10*batches || *n > 100000000 || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: gomap [-n OBJECTS] [-s SETTLE_MS]")
		os.Exit(2)
	}
	w := newWorkload(uint32(*n), time.Duration(*settleMs)*time.Millisecond)
	report("info", "order=%016x objects=%d deleted=%d go=%s",
		w.orderHash(), w.n, w.ndel, runtime.Version())

	runtime.GC()
	time.Sleep(w.settle)
	measure("baseline", 0)

	m := make(map[string]*User)
	t := time.Now()
	for i := uint32(0); i < w.n; i++ {
		u := new(User)
		value(i, u)
		m[key(i)] = u
		if (i+1)%(w.n/10) == 0 {
			fmt.Fprintf(os.Stderr, "go: load %d/%d\n", i+1, w.n)
		}
	}
	report("rate", "step=load ops_per_s=%.0f", float64(w.n)/time.Since(t).Seconds())
	runtime.GC()
	time.Sleep(w.settle)
	measure("load", len(m))

	var tdel time.Duration
	for b := uint32(0); b < batches; b++ {
		t = time.Now()
		for _, i := range w.order[w.batchStart(b):w.batchStart(b+1)] {
			k := key(i)
			if _, ok := m[k]; !ok {
				report("error", "key %d missing", i)
				os.Exit(1)
			}
			delete(m, k)
		}
		tdel += time.Since(t)
		runtime.GC()
		fmt.Fprintf(os.Stderr, "go: deleted batch %d/%d\n", b+1, batches)
		time.Sleep(w.settle)
		measure(fmt.Sprintf("del%d", b+1), len(m))
	}
	report("rate", "step=delete ops_per_s=%.0f", float64(w.ndel)/tdel.Seconds())

	t = time.Now()
	debug.FreeOSMemory()
	report("freeosmemory", "seconds=%.2f", time.Since(t).Seconds())
	time.Sleep(w.settle)
	measure("pressure", len(m))
	if uint32(len(m)) != w.n-w.ndel {
		report("error", "map holds %d keys, expected %d", len(m), w.n-w.ndel)
		os.Exit(1)
	}
	report("done", "live=%d", len(m))
	runtime.KeepAlive(m)
}
