/** The site's name, in titles and the header (pure: the prerender uses it outside Next too). */
export const SITE_NAME = '亳州市网上办事大厅';
