import { sided } from './define.ts';
import type { Structure } from './types.ts';

/**
 * Vessels (data only): the 16 vessel classes of TotalSegmentator's `total` task, the visceral arteries and veins
 * that pancreatic and hepatic staging needs (TotalSegmentator's renal_arteries task names the celiac trunk, the
 * SMA and the renal arteries; PanTS / AbdomenAtlas-style masks name the others), the intrahepatic vessels of the
 * liver_vessels task, and the v1 pulmonary artery.
 */

function vessel(name: string, displayName: string, fields: Partial<Structure> = {}): Structure {
  return { name, displayName, laterality: 'none', system: 'cardiovascular', parent: 'body', kind: 'vessel', ...fields };
}

export const VESSEL_STRUCTURES: readonly Structure[] = [
  vessel('aorta', 'aorta', { laterality: 'midline', totalsegTask: 'total', snomedCt: { code: '15825003', display: 'Aortic structure' } }),
  vessel('inferior_vena_cava', 'inferior vena cava', { totalsegTask: 'total', snomedCt: { code: '64131007', display: 'Inferior vena cava structure' } }),
  vessel('superior_vena_cava', 'superior vena cava', { totalsegTask: 'total', snomedCt: { code: '48345005', display: 'Superior vena cava structure' } }),
  // One class in TotalSegmentator: the portal vein together with the splenic vein.
  vessel('portal_vein_and_splenic_vein', 'portal and splenic veins', { totalsegTask: 'total' }),
  vessel('pulmonary_vein', 'pulmonary veins', { laterality: 'bilateral', totalsegTask: 'total' }),
  vessel('pulmonary_artery', 'pulmonary artery', { totalsegTask: 'heartchambers_highres', snomedCt: { code: '81040000', display: 'Pulmonary artery structure' } }),
  vessel('brachiocephalic_trunk', 'brachiocephalic trunk', { totalsegTask: 'total' }),
  ...sided('subclavian_artery', 'subclavian artery', { system: 'cardiovascular', parent: 'body', kind: 'vessel', totalsegTask: 'total' }),
  ...sided('common_carotid_artery', 'common carotid artery', { system: 'cardiovascular', parent: 'body', kind: 'vessel', totalsegTask: 'total' }),
  ...sided('brachiocephalic_vein', 'brachiocephalic vein', { system: 'cardiovascular', parent: 'body', kind: 'vessel', totalsegTask: 'total' }),
  ...sided('iliac_artery', 'iliac artery', { system: 'cardiovascular', parent: 'body', kind: 'vessel', totalsegTask: 'total' }),
  ...sided('iliac_vena', 'iliac vein', { system: 'cardiovascular', parent: 'body', kind: 'vessel', totalsegTask: 'total' }),

  // visceral arteries and veins (pancreatic resectability, NCCN / Al-Hawary 2014)
  vessel('celiac_trunk', 'coeliac trunk', { laterality: 'midline', totalsegTask: 'renal_arteries' }),
  vessel('superior_mesenteric_artery', 'superior mesenteric artery', { laterality: 'midline', totalsegTask: 'renal_arteries' }),
  vessel('common_hepatic_artery', 'common hepatic artery'),
  vessel('splenic_artery', 'splenic artery'),
  vessel('superior_mesenteric_vein', 'superior mesenteric vein'),
  vessel('renal_arteries', 'renal arteries', { laterality: 'bilateral', totalsegTask: 'renal_arteries' }),
  // Intrahepatic portal and hepatic venous branches as one class (TotalSegmentator liver_vessels task).
  vessel('liver_vessels', 'intrahepatic vessels', { parent: 'liver', totalsegTask: 'liver_vessels' }),
];
