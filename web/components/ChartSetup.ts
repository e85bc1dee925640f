/**
 * chart.js with only what the statistics charts draw (bars, lines, a doughnut, two axes, the
 * legend and tooltips) registered, so the bundler leaves the rest out. Imported lazily by
 * ChartFigure: the page's first load carries none of it.
 */
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';

Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

export { Chart };
