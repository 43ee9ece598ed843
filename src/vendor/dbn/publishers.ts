/**
 * Databento publishers: `publisher_id` → "DATASET.VENUE", from `Publisher::as_str` in
 * `rust/dbn/src/publishers.rs` of Databento's `dbn` crate (release 0.54.0, Apache-2.0). A
 * dataset may hold records of several publishers (DBEQ.BASIC: IEXG, XCHI, XCIS, EPRL; OPRA.PILLAR:
 * each options exchange; IFEU.IMPACT: IFEU and XOFF), each its own venue with its own order ids
 * and book, so a record's venue is its publisher's.
 */
const PUBLISHERS: ReadonlyMap<number, string> = new Map<number, string>([
  [1, 'GLBX.MDP3.GLBX'], [2, 'XNAS.ITCH.XNAS'], [3, 'XBOS.ITCH.XBOS'], [4, 'XPSX.ITCH.XPSX'],
  [5, 'BATS.PITCH.BATS'], [6, 'BATY.PITCH.BATY'], [7, 'EDGA.PITCH.EDGA'], [8, 'EDGX.PITCH.EDGX'],
  [9, 'XNYS.PILLAR.XNYS'], [10, 'XCIS.PILLAR.XCIS'], [11, 'XASE.PILLAR.XASE'], [12, 'XCHI.PILLAR.XCHI'],
  [13, 'XCIS.BBO.XCIS'], [14, 'XCIS.TRADES.XCIS'], [15, 'MEMX.MEMOIR.MEMX'], [16, 'EPRL.DOM.EPRL'],
  [17, 'XNAS.NLS.FINN'], [18, 'XNAS.NLS.FINC'], [19, 'XNYS.TRADES.FINY'], [20, 'OPRA.PILLAR.AMXO'],
  [21, 'OPRA.PILLAR.XBOX'], [22, 'OPRA.PILLAR.XCBO'], [23, 'OPRA.PILLAR.EMLD'], [24, 'OPRA.PILLAR.EDGO'],
  [25, 'OPRA.PILLAR.GMNI'], [26, 'OPRA.PILLAR.XISX'], [27, 'OPRA.PILLAR.MCRY'], [28, 'OPRA.PILLAR.XMIO'],
  [29, 'OPRA.PILLAR.ARCO'], [30, 'OPRA.PILLAR.OPRA'], [31, 'OPRA.PILLAR.MPRL'], [32, 'OPRA.PILLAR.XNDQ'],
  [33, 'OPRA.PILLAR.XBXO'], [34, 'OPRA.PILLAR.C2OX'], [35, 'OPRA.PILLAR.XPHL'], [36, 'OPRA.PILLAR.BATO'],
  [37, 'OPRA.PILLAR.MXOP'], [38, 'IEXG.TOPS.IEXG'], [39, 'DBEQ.BASIC.XCHI'], [40, 'DBEQ.BASIC.XCIS'],
  [41, 'DBEQ.BASIC.IEXG'], [42, 'DBEQ.BASIC.EPRL'], [43, 'ARCX.PILLAR.ARCX'], [44, 'XNYS.BBO.XNYS'],
  [45, 'XNYS.TRADES.XNYS'], [46, 'XNAS.QBBO.XNAS'], [47, 'XNAS.NLS.XNAS'], [48, 'EQUS.PLUS.XCHI'],
  [49, 'EQUS.PLUS.XCIS'], [50, 'EQUS.PLUS.IEXG'], [51, 'EQUS.PLUS.EPRL'], [52, 'EQUS.PLUS.XNAS'],
  [53, 'EQUS.PLUS.XNYS'], [54, 'EQUS.PLUS.FINN'], [55, 'EQUS.PLUS.FINY'], [56, 'EQUS.PLUS.FINC'],
  [57, 'IFEU.IMPACT.IFEU'], [58, 'NDEX.IMPACT.NDEX'], [59, 'DBEQ.BASIC.DBEQ'], [60, 'EQUS.PLUS.EQUS'],
  [61, 'OPRA.PILLAR.SPHR'], [62, 'EQUS.ALL.XCHI'], [63, 'EQUS.ALL.XCIS'], [64, 'EQUS.ALL.IEXG'],
  [65, 'EQUS.ALL.EPRL'], [66, 'EQUS.ALL.XNAS'], [67, 'EQUS.ALL.XNYS'], [68, 'EQUS.ALL.FINN'],
  [69, 'EQUS.ALL.FINY'], [70, 'EQUS.ALL.FINC'], [71, 'EQUS.ALL.BATS'], [72, 'EQUS.ALL.BATY'],
  [73, 'EQUS.ALL.EDGA'], [74, 'EQUS.ALL.EDGX'], [75, 'EQUS.ALL.XBOS'], [76, 'EQUS.ALL.XPSX'],
  [77, 'EQUS.ALL.MEMX'], [78, 'EQUS.ALL.XASE'], [79, 'EQUS.ALL.ARCX'], [80, 'EQUS.ALL.LTSE'],
  [81, 'XNAS.BASIC.XNAS'], [82, 'XNAS.BASIC.FINN'], [83, 'XNAS.BASIC.FINC'], [84, 'IFEU.IMPACT.XOFF'],
  [85, 'NDEX.IMPACT.XOFF'], [86, 'XNAS.NLS.XBOS'], [87, 'XNAS.NLS.XPSX'], [88, 'XNAS.BASIC.XBOS'],
  [89, 'XNAS.BASIC.XPSX'], [90, 'EQUS.SUMMARY.EQUS'], [91, 'XCIS.TRADESBBO.XCIS'],
  [92, 'XNYS.TRADESBBO.XNYS'], [93, 'XNAS.BASIC.EQUS'], [94, 'EQUS.ALL.EQUS'], [95, 'EQUS.MINI.EQUS'],
  [96, 'XNYS.TRADES.EQUS'], [97, 'IFUS.IMPACT.IFUS'], [98, 'IFUS.IMPACT.XOFF'], [99, 'IFLL.IMPACT.IFLL'],
  [100, 'IFLL.IMPACT.XOFF'], [101, 'XEUR.EOBI.XEUR'], [102, 'XEEE.EOBI.XEEE'], [103, 'XEUR.EOBI.XOFF'],
  [104, 'XEEE.EOBI.XOFF'], [105, 'XCBF.PITCH.XCBF'], [106, 'XCBF.PITCH.XOFF'], [107, 'OCEA.MEMOIR.OCEA'],
]);

/** The venue code (GLBX, XNAS, IEXG…) of a publisher id, or undefined for an id not in the table. */
export function publisherVenue(publisherId: number): string | undefined {
  const name = PUBLISHERS.get(publisherId);
  return name === undefined ? undefined : name.slice(name.lastIndexOf('.') + 1);
}
