from tests.test_scanning_matrix import *
from tests.test_scanning_matrix import _document
def test_try(plan, priority):
    build_matrix(plan)
    for lp in (False, True):
        pdf = plan_pdf(_document(plan), large_print=lp)
        open(f"/tmp/m/out{int(lp)}.pdf","wb").write(pdf)
        for page in pages(pdf):
            if "scanning" in page.text.lower():
                print(page.number, page.width, page.height)
                for t in page.texts: print(round(t.x), round(t.right), round(t.size,1), t.text)
