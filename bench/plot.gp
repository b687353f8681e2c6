# SPDX-License-Identifier: GPL-2.0
#
# The benchmark's plot: memory held after loading, after each of the ten
# delete batches and after pressure, one line per system.  Left: MiB above
# the baseline; right: the same as a percentage of each system's peak,
# with the ideal (memory proportional to the objects left) dashed.
#
#   gnuplot -e "data='plot.dat'; pct='plot-pct.dat'; png='memory.png'; \
#	objects=\"1,000,000\"" plot.gp

ncol = int(system("sed -n 2p '" . data . "' | wc -w"))
npct = int(system("sed -n 2p '" . pct . "' | wc -w"))

set terminal pngcairo size 1500,620 font "sans,10" noenhanced
set output png
set multiplot layout 1,2 title sprintf("%s objects (16 B keys, 100 B values): 90%% deleted in 10 random batches, then pressure", objects)
set grid ytics lc rgb "#dddddd"
set key bottom left box opaque
set xrange [-0.3:11.3]
set xtics rotate by -45 nomirror
set style data linespoints

set title "memory held above the baseline"
set ylabel "MiB"
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
plot for [c=3:ncol] data using 1:c:xtic(2) title columnhead(c) lw 2 pt 7 ps 0.8

set title "memory held, % of the system's peak"
set ylabel "% of peak"
set offsets 0, 0, 0, 0
set yrange [0:110]
plot for [c=3:npct-1] pct using 1:c:xtic(2) title columnhead(c) lw 2 pt 7 ps 0.8, \
     pct using 1:npct:xtic(2) title columnhead(npct) lw 1.5 dt 2 lc rgb "black" with lines

unset multiplot
