// Mixed numeric arithmetic promotes (an integer with a float gives f64): a result typed as
// the left's integer type is refused.
use quarry::value::Decimal;
use quarry::TypedExpr;

fn main() {
    let qty = quarry::Column::<i32>::new("t", "qty");
    let price = quarry::Column::<Decimal>::new("t", "price");
    let _ok: TypedExpr<Decimal> = qty * price;
    let _wrong: TypedExpr<i32> = qty * 1.5;
}
