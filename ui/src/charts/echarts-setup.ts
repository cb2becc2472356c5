/**
 * ECharts, tree-shaken: only the chart types, components and renderers used here are bundled. The canvas renderer
 * draws on screen (fast with many points); the SVG renderer serves the SVG export (server-side-rendering mode,
 * which needs no DOM element).
 */
import { BarChart, LineChart, PieChart, ScatterChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, PieChart, ScatterChart, GridComponent, LegendComponent, TooltipComponent, DataZoomComponent, CanvasRenderer, SVGRenderer]);

export { echarts };
