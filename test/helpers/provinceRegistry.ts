/**
 * A province as Phú Thọ publishes it: departments ranked among themselves, communes and wards
 * among themselves, the police (a type not ranked) and the inspectorate (a department the registry
 * does not rank) listed with their reason and no rank.
 */
export const PROVINCE_UNITS = `code,name_vi,type,ranked,not_ranked_reason,national_code
so-noi-vu,Sở Nội vụ,department,,,H48.01
so-tai-chinh,Sở Tài chính,department,,,
thanh-tra-tinh,Thanh tra tỉnh,department,no,Không xếp hạng do tính chất đặc thù,
cong-an-tinh,Công an tỉnh,police,,,
phuong-viet-tri,Phường Việt Trì,commune,,,08500
xa-yen-lac,Xã Yên Lạc,commune,,,09025
xa-te-lo,Xã Tề Lỗ,commune,,,09040
`;
export const PROVINCE_GROUPS = `group,name_vi,name_en,unit_types,ranked,not_ranked_reason
so-nganh,"Các sở, ban, ngành",Provincial departments,department,,
xa-phuong,"Các xã, phường","Communes and wards",commune,,
dac-thu,Đơn vị đặc thù,Special units,police,no,Không xếp hạng do tính chất đặc thù (lực lượng vũ trang)
`;
export const PROVINCE_INDICATORS = `code,name_vi,measure,direction,default_target,reported_by
DOC,Văn bản điện tử,percent,higher,80,department;commune;police
SIG,Chữ ký số,boolean,higher,1,department;commune;police
`;
export const PROVINCE_FRAMEWORK = `framework,valid_from,valid_to,pillar,pillar_name_vi,code,max_points,rule,steps,applies_to,target
tinh-2025,2025-07-01,,CQS,Chính quyền số,DOC,600,ratio,,department;commune;police,
tinh-2025,2025-07-01,,HTS,Hạ tầng số,SIG,400,boolean,,department;commune;police,
`;

/** The registry folder's files. */
export const PROVINCE_FILES = {
  'units.csv': PROVINCE_UNITS, 'indicators.csv': PROVINCE_INDICATORS, 'framework.csv': PROVINCE_FRAMEWORK, 'ranking-groups.csv': PROVINCE_GROUPS,
};

/** A long report (a row per unit and indicator) of DOC shares (n of 100) and SIG yes/no, as a province's office sends it. */
export function provinceReport(period: string, rows: [unit: string, doc: number, sig: boolean][]): string {
  const lines = rows.flatMap(([unit, doc, sig]) => [`${unit},${period},DOC,${doc},100,`, `${unit},${period},SIG,,,${sig ? 'Có' : 'Không'}`]);
  return `Mã đơn vị,Kỳ báo cáo,Mã chỉ số,Tử số,Mẫu số,Tỷ lệ (%)\n${lines.join('\n')}\n`;
}
