/**
 * Each figure as one table: the page draws its chart from it, shows it, and offers it as CSV
 * (`/staff/insights/<figure>.csv`), so all three always hold the same numbers.
 */
import type { MessageKey, Translator } from '../i18n/i18n.js';
import { average, percent, type Figures, type PeriodFigures } from './figures.js';

export const figureIds = ['volume', 'backlog', 'time-to-close', 'sla', 'reopened', 'satisfaction', 'channels'] as const;
export type FigureId = (typeof figureIds)[number];

export interface FigureTable {
  id: FigureId;
  title: string;
  hint: string | null;
  chart: 'line' | 'bars' | 'stacked';
  /** Which columns the chart draws (indexes into columns). */
  charted: number[];
  columns: string[];
  rows: Array<{ from: string; to: string; values: Array<number | null> }>;
  total: Array<number | null> | null;
}

const channelKeys: Record<string, MessageKey> = {
  web: 'insights.channel.web', api: 'insights.channel.api', phone: 'insights.channel.phone', counter: 'insights.channel.counter',
};
export const channelName = ({ t }: Translator, channel: string): string => channelKeys[channel] ? t(channelKeys[channel]) : channel;

export function figureTable(id: FigureId, figures: Figures, tr: Translator): FigureTable {
  const { t } = tr;
  const table = (title: MessageKey, hint: MessageKey | null, chart: FigureTable['chart'], columns: string[], charted: number[],
    values: (p: PeriodFigures) => Array<number | null>, withTotal = true): FigureTable => ({
    id, title: t(title), hint: hint ? t(hint) : null, chart, charted, columns,
    rows: figures.periods.map((p) => ({ from: p.from, to: p.to, values: values(p) })),
    total: withTotal ? values(figures.totals) : null,
  });
  switch (id) {
    case 'volume':
      return table('insights.volume.title', null, 'bars', [t('insights.volume.opened'), t('insights.volume.closed')], [0, 1], (p) => [p.opened, p.closed]);
    case 'backlog':
      return table('insights.backlog.title', null, 'line', [t('insights.backlog.open')], [0], (p) => [p.backlog], false);
    case 'time-to-close':
      return table('insights.closeTime.title', 'insights.closeTime.hint', 'line',
        [t('insights.closeTime.median'), t('insights.closeTime.p90'), t('insights.closeTime.closed')], [0, 1], (p) => [p.medianDays, p.p90Days, p.closed]);
    case 'sla':
      return table('insights.sla.title', 'insights.sla.hint', 'line',
        [t('insights.sla.share'), t('insights.sla.promised'), t('insights.sla.kept')], [0], (p) => [percent(p.keptPromise, p.promised), p.promised, p.keptPromise]);
    case 'reopened':
      return table('insights.reopened.title', 'insights.reopened.hint', 'line',
        [t('insights.reopened.share'), t('insights.reopened.closed'), t('insights.reopened.reopened')], [0], (p) => [percent(p.reopened, p.closed), p.closed, p.reopened]);
    case 'satisfaction':
      return table('insights.satisfaction.title', 'insights.satisfaction.hint', 'line',
        [t('insights.satisfaction.fixed'), t('insights.satisfaction.average'), t('insights.satisfaction.answers')], [0],
        (p) => [percent(p.fixed, p.feedback), average(p.satisfactionSum, p.satisfactionCount), p.feedback]);
    case 'channels':
      return table('insights.channels.title', null, 'stacked', figures.channels.map((c) => channelName(tr, c)), figures.channels.map((_, i) => i),
        (p) => figures.channels.map((c) => p.byChannel[c] ?? 0));
  }
}
