package dev.storefront.bench;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.CategoryItemRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;

/**
 * The one look of every report the bench commands write ({@code bench http}'s report.html, {@code bench scaling}'s
 * scaling.html): the page's style sheet, and charts on white with light grid lines, flat bars, one palette, a title
 * that says what was measured in which unit, and the machine under it.
 */
final class ReportStyle {

  /** The style sheet of every report page. */
  static final String CSS = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2937;"
      + "margin:2em auto;max-width:62em;padding:0 1em;line-height:1.45}"
      + "h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.8em;color:#111827}"
      + "p.machine{color:#6b7280;margin-top:0}"
      + "table{border-collapse:collapse;margin:1em 0;font-variant-numeric:tabular-nums}"
      + "td,th{border-bottom:1px solid #e5e7eb;padding:.35em .7em;text-align:right}"
      + "th{background:#f9fafb;color:#374151;font-weight:600;border-bottom:2px solid #d1d5db}"
      + "pre,code{background:#f3f4f6;border-radius:4px}pre{padding:1em;overflow-x:auto}"
      + "figure{margin:1em 0}figcaption{color:#6b7280;font-size:.85em}a{color:#2563eb}";

  private static final Color[] PALETTE = {
      new Color(0x2563EB), new Color(0x16A34A), new Color(0xD97706), new Color(0xDC2626), new Color(0x7C3AED),
      new Color(0x0891B2)};
  private static final Color GRID = new Color(0xE5E7EB);
  private static final Color AXIS_TEXT = new Color(0x4B5563);

  private ReportStyle() {
  }

  /** Gives {@code chart} the reports' look, with {@code machine} as its subtitle; returns it. */
  static JFreeChart apply(JFreeChart chart, String machine) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    TextTitle title = chart.getTitle();
    if (title != null) {
      title.setFont(new Font("SansSerif", Font.BOLD, 15));
      title.setPaint(new Color(0x111827));
      title.setHorizontalAlignment(HorizontalAlignment.LEFT);
    }
    if (machine != null && !machine.isBlank()) {
      TextTitle sub = new TextTitle(machine, new Font("SansSerif", Font.PLAIN, 11));
      sub.setPaint(AXIS_TEXT);
      sub.setHorizontalAlignment(HorizontalAlignment.LEFT);
      chart.addSubtitle(sub);
    }
    if (chart.getLegend() != null) {
      chart.getLegend().setFrame(BlockBorder.NONE);
      chart.getLegend().setItemFont(new Font("SansSerif", Font.PLAIN, 11));
    }
    Plot plot = chart.getPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setOutlineVisible(false);
    if (plot instanceof CategoryPlot) {
      CategoryPlot p = (CategoryPlot) plot;
      p.setRangeGridlinePaint(GRID);
      p.setRangeGridlineStroke(new BasicStroke(1f));
      p.setDomainGridlinesVisible(false);
      p.getDomainAxis().setTickLabelPaint(AXIS_TEXT);
      p.getRangeAxis().setTickLabelPaint(AXIS_TEXT);
      CategoryItemRenderer r = p.getRenderer();
      if (r instanceof BarRenderer) {
        BarRenderer bars = (BarRenderer) r;
        bars.setBarPainter(new StandardBarPainter()); // flat, not the default gradient
        bars.setShadowVisible(false);
        bars.setItemMargin(0.04);
      }
      for (int i = 0; i < PALETTE.length; i++) {
        r.setSeriesPaint(i, PALETTE[i]);
      }
    } else if (plot instanceof XYPlot) {
      XYPlot p = (XYPlot) plot;
      p.setRangeGridlinePaint(GRID);
      p.setDomainGridlinePaint(GRID);
      p.getDomainAxis().setTickLabelPaint(AXIS_TEXT);
      p.getRangeAxis().setTickLabelPaint(AXIS_TEXT);
      XYItemRenderer r = p.getRenderer();
      for (int i = 0; i < PALETTE.length; i++) {
        r.setSeriesPaint(i, PALETTE[i]);
        r.setSeriesStroke(i, new BasicStroke(1.6f));
      }
    }
    return chart;
  }
}
